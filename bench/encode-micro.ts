/**
 * Micro benchmark of the per-event CPU path (bench/encode-path.ts: pgoutput message ->
 * ChangeDecoder -> changeRecords -> Avro key and value), without PostgreSQL or Kafka:
 *   npx tsx bench/encode-micro.ts [--rows N] [--runs N] [--digest] [--tx-metadata] [--converter avro|json|json-noschema]
 * Prints the time per event of each run (the first warms the JIT up) with the share of it spent
 * in garbage collection, also for each half alone (decoding into records, converting records
 * to Avro; the decoded records then live longer, as they do in the daemon), and, with --digest, a sha256 of every key and value byte (fixed clock and seed), so
 * a change to the encoding path can show that the events stayed byte for byte the same.
 * Then the per-event cost of the transform chains in bench/transform-chains.ts (RegexRouter, and
 * RegexRouter + ExtractNewRecordState once that transform is registered) on the decoded records.
 * It measures only the daemon's own conversion; kafkajs's produce encoding and the pg wire
 * protocol are not in it.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { benchMessages, encodeDigest, encodePath } from './encode-path.ts';
import { chainCosts } from './transform-chains.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rows: { type: 'string' }, runs: { type: 'string' }, digest: { type: 'boolean' }, 'tx-metadata': { type: 'boolean' }, converter: { type: 'string' } },
  });
  const converter = values.converter ?? 'avro';
  if (converter !== 'avro' && converter !== 'json' && converter !== 'json-noschema') throw new Error(`--converter must be avro, json or json-noschema, got "${converter}"`);
  const rows = Number(values.rows ?? 100_000);
  const runs = Number(values.runs ?? 5);
  const txMetadata = values['tx-metadata'] ?? false;
  const messages = benchMessages({ rows });
  if (values.digest) {
    const { events, digest } = await encodeDigest(messages, { txMetadata });
    process.stdout.write(`digest ${digest}  (${events} events, ${rows} rows${txMetadata ? ', transaction metadata' : ''})\n`);
  }
  let gcNs = 0;
  const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) gcNs += e.duration * 1e6; });
  obs.observe({ entryTypes: ['gc'] });
  const settle = () => new Promise((r) => setTimeout(r, 20)); // lets the observer report collections
  const timed = async (f: () => Promise<number>): Promise<{ us: number; gcUs: number; events: number }> => {
    await settle();
    gcNs = 0;
    const t0 = process.hrtime.bigint();
    const events = await f();
    const ns = Number(process.hrtime.bigint() - t0);
    await settle();
    return { us: ns / events / 1000, gcUs: gcNs / events / 1000, events };
  };
  const best = { all: Infinity, decode: Infinity, convert: Infinity };
  for (let i = 0; i < runs; i++) {
    const path = encodePath({ txMetadata, converter });
    await path.run(messages.slice(0, 2_000)); // registration and first compilation outside the timing
    const all = await timed(() => path.run(messages));
    let records: Awaited<ReturnType<typeof path.decode>> = [];
    const decode = await timed(async () => (records = await path.decode(messages)).length);
    const convert = await timed(() => path.convert(records));
    records = [];
    process.stdout.write(`run ${i + 1}: ${all.events} events: ${all.us.toFixed(2)} µs/event (GC ${all.gcUs.toFixed(2)}); `
      + `alone: decode ${decode.us.toFixed(2)} (GC ${decode.gcUs.toFixed(2)}), convert ${convert.us.toFixed(2)} (GC ${convert.gcUs.toFixed(2)})\n`);
    if (i > 0 || runs === 1) {
      best.all = Math.min(best.all, all.us);
      best.decode = Math.min(best.decode, decode.us);
      best.convert = Math.min(best.convert, convert.us);
    }
  }
  obs.disconnect();
  // Transform chains alone, on the decoded records (the chain runs before the converters).
  for (const line of chainCosts(await encodePath({ txMetadata }).decode(messages))) process.stdout.write(`${line}\n`);
  process.stdout.write(`best after warm-up (${converter}), µs/event: ${best.all.toFixed(2)} (decode alone ${best.decode.toFixed(2)}, convert alone ${best.convert.toFixed(2)})\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
