/**
 * The per-event cost of transform chains on the benchmark's decoded records (issue 9: a
 * RegexRouter + ExtractNewRecordState chain must cost well under 2 µs per event). Each chain is
 * built from connector properties exactly as a task builds it (withTransformFields + buildTransformChain),
 * with the built-in registry; a chain whose classes are not registered is reported as skipped.
 */
import { connectFrameworkConfigDef } from '../src/config/connect-framework-fields.ts';
import type { SourceRecord } from '../src/events/record.ts';
import { buildTransformChain } from '../src/transforms/chain.ts';
import { builtinTransformRegistry } from '../src/transforms/builtin.ts';
import { withTransformFields } from '../src/transforms/transform-config.ts';

const ROUTE = {
  'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
  'transforms.route.regex': '([^.]+)\\.([^.]+)\\.([^.]+)', 'transforms.route.replacement': 'cdc.$3',
};

/** The chains measured: add one here to have it printed. */
export const BENCH_CHAINS: ReadonlyArray<{ label: string; config: Record<string, string> }> = [
  { label: 'RegexRouter', config: { transforms: 'route', ...ROUTE } },
  {
    label: 'RegexRouter + ExtractNewRecordState',
    config: {
      transforms: 'route,unwrap', ...ROUTE,
      'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
      'transforms.unwrap.delete.tombstone.handling.mode': 'rewrite', 'transforms.unwrap.add.fields': 'op,source.ts_ms',
    },
  },
];

export function chainCosts(records: readonly SourceRecord[], rounds = 5): string[] {
  const registry = builtinTransformRegistry();
  const lines: string[] = [];
  for (const { label, config } of BENCH_CHAINS) {
    const raw = { name: 'bench', 'connector.class': 'bench', ...config };
    const missing = Object.entries(config).filter(([k, v]) => k.endsWith('.type') && !registry.find('transformation', v)).map(([, v]) => v);
    if (missing.length > 0) { lines.push(`transforms ${label}: skipped (${missing.join(', ')} not registered in src/transforms/builtin.ts)`); continue; }
    let chain;
    try {
      chain = buildTransformChain(withTransformFields(connectFrameworkConfigDef(), raw, registry).parse(raw, 'bench'), registry, 'bench');
    } catch (err) {
      lines.push(`transforms ${label}: skipped (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    let best = Infinity;
    let kept = 0;
    for (let i = 0; i < rounds; i++) {
      kept = 0;
      const t0 = process.hrtime.bigint();
      for (const r of records) if (chain!.apply(r) !== null) kept++;
      const us = Number(process.hrtime.bigint() - t0) / records.length / 1000;
      if (i > 0 || rounds === 1) best = Math.min(best, us);
    }
    lines.push(`transforms ${label}: ${best.toFixed(3)} µs/event (best of ${rounds - 1} after warm-up, ${records.length} records, ${kept} kept)`);
  }
  return lines;
}
