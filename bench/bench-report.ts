/**
 * The bench's output: one block of figures for people, the same figures as a
 * single JSON line for tracking (`npm run bench | grep '^{'`), and the row of
 * the figures table in docs/benchmarks.md (between the bench:figures markers,
 * one row per row count, replaced in place by --update-docs).
 */
import { JSON_CONVERTER_CLASS } from './bench-options.ts';
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * The steady mode's first phase: small transactions as fast as one loader connection writes them,
 * unpaced. What was delivered end to end is the maximum sustained rate for that workload, the base
 * of the paced phases; the loader's own rate says which side set it.
 */
export interface SteadyMaxFigures {
  readonly rows: number;
  readonly transactions: number;
  /** rows / (last commit acknowledged - first insert sent), as the loader wrote them */
  readonly loaderRowsPerSecond: number;
  /** rows / (last event visible - first source commit) */
  readonly deliveredRowsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  /** 'loader' when the daemon delivered at least 90 % of what the loader wrote, else 'daemon' */
  readonly limitedBy: 'loader' | 'daemon';
  readonly incomplete?: string;
}

/** One phase of the steady mode: a load paced at a fraction of the maximum sustained rate (SteadyMaxFigures). */
export interface SteadyFigures {
  readonly fraction: number;
  readonly rate: number;
  readonly rows: number;
  readonly transactions: number;
  /** the most a transaction was sent after its due time (the loader keeping the pace) */
  readonly loaderMaxLagMs: number;
  readonly visibleEvents: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  /** the daemon's own cdc_commit_to_visible_seconds over the phase (source commit -> Kafka commit; bucketed) */
  readonly daemonHistogramMs?: { readonly p50: number; readonly p99: number };
  readonly incomplete?: string;
}

/** What every PostgreSQL load run measures, whoever streams it (the daemon, or Debezium in Kafka Connect). */
export interface LoadRunFigures {
  readonly rows: number;
  readonly transactions: number;
  /** PostgreSQL side: how fast the loader got its transactions committed */
  readonly loadSeconds: number;
  readonly loadRowsPerSecond: number;
  /** events visible to the read_committed consumer (distinct rows) and duplicates seen */
  readonly visibleEvents: number;
  readonly duplicates: number;
  /** mean key + value size of an event in Kafka (Avro, Confluent framing) */
  readonly eventBytesAvg: number;
  /** first source commit (min source.ts_ms) -> last event visible */
  readonly spanSeconds: number;
  readonly eventsPerSecond: number;
  /** commit -> visible at the consumer, over every event */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
}

export interface BenchFigures extends LoadRunFigures {
  readonly bench: 'pg-throughput';
  readonly at: string;
  readonly commit: string;
  readonly machine: { readonly cpus: number; readonly node: string; readonly postgres: string };
  /** the daemon's cdc_commit_to_visible_seconds histogram (bucketed; ends at the Kafka commit) */
  readonly daemonHistogramMs: { readonly p50: number; readonly p95: number; readonly p99: number } | null;
  /** Kafka transactions the daemon committed (warm-up included) and their mean open -> committed time */
  readonly kafkaTransactions: number;
  readonly kafkaTransactionSecondsAvg: number;
  readonly daemonPeakRssMiB: number;
  /** the largest anonymous RSS sampled (every 250 ms), and the file-backed RSS at that sample; null: not sampled */
  readonly daemonPeakRssAnonMiB?: number | null;
  readonly daemonRssFileMiB?: number | null;
  /** CPU of the daemon between the start of the load and the last event visible */
  readonly daemonCpuSeconds: number;
  /** the kernel's part of daemonCpuSeconds (absent in figures recorded before it was measured) */
  readonly daemonSystemCpuSeconds?: number;
  /** daemonCpuSeconds per visible event: the figure least disturbed by other load on the machine */
  readonly daemonCpuMicrosPerEvent: number;
  /** CPU of the daemon over its whole life until then (start-up and tsx compile included) */
  readonly daemonCpuSecondsTotal: number;
  /** pg_recvlogical over the same range: decode seconds net of a run's fixed cost (measured on an empty range) */
  readonly ceiling: { readonly seconds: number; readonly fixedCostSeconds: number; readonly eventsPerSecond: number } | null;
  readonly ratio: number | null;
  /** connector properties the run changed from the bench's defaults */
  readonly connectorOverrides?: Readonly<Record<string, string>>;
  /** --note-chars: every row's note had this many characters */
  readonly noteChars?: number;
  /** --catch-up: the daemon was stopped during the load; events/s counts from its resume */
  readonly catchUp?: true;
  /** --converter json: JsonConverter with schemas instead of Avro */
  readonly converter?: 'json';
  /** --steady-seconds: the unpaced phase that finds the maximum sustained rate of small transactions */
  readonly steadyMax?: SteadyMaxFigures;
  /** --steady-seconds: the paced phases after it */
  readonly steady?: readonly SteadyFigures[];
  /** set when the run did not finish: what went wrong */
  readonly incomplete?: string;
}

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f3 = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : 'n/a');

/** "; sampled: anonymous at most A MiB, with F MiB of file pages (...)" when the bench sampled the split. */
function rssSplit(f: BenchFigures): string {
  if (f.daemonPeakRssAnonMiB == null || f.daemonRssFileMiB == null) return '';
  return `; sampled peak of anonymous memory ${f1(f.daemonPeakRssAnonMiB)} MiB, beside ${f1(f.daemonRssFileMiB)} MiB of file pages: the node binary, shared`;
}

export function formatBlock(f: BenchFigures): string {
  const l = f.latencyMs, h = f.daemonHistogramMs;
  const lines = [
    `cdc bench pg-throughput  ${f.at}  commit ${f.commit}  ${f.machine.cpus} CPUs, node ${f.machine.node}, PostgreSQL ${f.machine.postgres}`,
    `  rows                          ${f0(f.rows)}`,
    `  transactions                  ${f0(f.transactions)}  (1..max rows each, random)`,
    `  load: PostgreSQL took it in   ${f1(f.loadSeconds)} s  (${f0(f.loadRowsPerSecond)} rows/s)`,
    `  visible events / duplicates   ${f0(f.visibleEvents)} / ${f0(f.duplicates)}  (${f0(f.eventBytesAvg)} bytes each, key + value)`,
    `  events/s end to end           ${f0(f.eventsPerSecond)}  (${f.catchUp ? 'catch-up: daemon resumed after the load' : 'first commit'} -> last event visible: ${f1(f.spanSeconds)} s)`,
    `  commit->visible p50/p95/p99   ${f0(l.p50)} / ${f0(l.p95)} / ${f0(l.p99)} ms  (max ${f0(l.max)} ms; read_committed consumer)`,
    `  daemon histogram p50/p95/p99  ${h ? `${f0(h.p50)} / ${f0(h.p95)} / ${f0(h.p99)} ms` : 'n/a'}  (cdc_commit_to_visible_seconds, bucketed)`,
    `  daemon Kafka transactions     ${f0(f.kafkaTransactions)}  (${f0(f.visibleEvents / f.kafkaTransactions)} events each, ${f3(f.kafkaTransactionSecondsAvg)} s open -> committed on average)`,
    `  daemon peak RSS               ${f1(f.daemonPeakRssMiB)} MiB  (VmHWM${rssSplit(f)})`,
    `  daemon CPU                    ${f1(f.daemonCpuSeconds)} s during the run = ${f1(f.daemonCpuMicrosPerEvent)} µs/event  (${f.daemonSystemCpuSeconds === undefined ? '' : `${f1(f.daemonSystemCpuSeconds)} s of it in the kernel; `}${f1(f.daemonCpuSecondsTotal)} s since start)`,
    `  pg_recvlogical events/s       ${f.ceiling ? `${f0(f.ceiling.eventsPerSecond)}  (same WAL range decoded in ${f3(f.ceiling.seconds)} s + ${f3(f.ceiling.fixedCostSeconds)} s fixed cost of a run)` : 'n/a'}`,
    `  ratio ours/ceiling            ${f.ratio === null ? 'n/a' : f3(f.ratio)}`,
  ];
  if (f.connectorOverrides) lines.push(`  connector overrides           ${Object.entries(f.connectorOverrides).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (f.converter) {
    // Connect's default is schemas.enable=true; a --set of either side's flag is what the daemon ran with.
    const schemas = (side: string) => f.connectorOverrides?.[`${side}.converter.schemas.enable`] ?? 'true';
    lines.push(`  converter                     ${f.converter} (${JSON_CONVERTER_CLASS}, key schemas.enable=${schemas('key')}, value schemas.enable=${schemas('value')})`);
  }
  if (f.noteChars !== undefined) lines.push(`  wide rows                     note column of ${f.noteChars} characters`);
  if (f.steadyMax) {
    const m = f.steadyMax, l = m.latencyMs;
    lines.push(`  steady max (unpaced)  ${f0(m.deliveredRowsPerSecond)} rows/s delivered, loader wrote ${f0(m.loaderRowsPerSecond)} rows/s (set by the ${m.limitedBy}); commit->visible p50/p95/p99 ${f0(l.p50)} / ${f0(l.p95)} / ${f0(l.p99)} ms  (${f0(m.rows)} rows in ${f0(m.transactions)} transactions)${m.incomplete ? `  INCOMPLETE: ${m.incomplete}` : ''}`);
  }
  for (const p of f.steady ?? []) {
    const l = p.latencyMs;
    lines.push(`  steady ${String(Math.round(p.fraction * 100)).padStart(2)} % (${f0(p.rate)} rows/s)  commit->visible p50/p95/p99 ${f0(l.p50)} / ${f0(l.p95)} / ${f0(l.p99)} ms  (max ${f0(l.max)} ms; ${f0(p.visibleEvents)} of ${f0(p.rows)} rows in ${f0(p.transactions)} transactions; loader at most ${f0(p.loaderMaxLagMs)} ms late)${p.daemonHistogramMs ? `; daemon histogram p50/p99 ${f0(p.daemonHistogramMs.p50)} / ${f0(p.daemonHistogramMs.p99)} ms` : ''}${p.incomplete ? `  INCOMPLETE: ${p.incomplete}` : ''}`);
  }
  if (f.incomplete) lines.push(`  INCOMPLETE: ${f.incomplete}`);
  return lines.join('\n');
}

export function formatJsonLine(f: BenchFigures): string {
  return JSON.stringify(f);
}

const START = '<!-- bench:figures:start -->';
const END = '<!-- bench:figures:end -->';
const HEADER = [
  '| rows | transactions | events/s | p50 / p95 / p99 ms | peak RSS MiB | daemon CPU s (µs/event) | pg_recvlogical events/s | ratio | load rows/s | date, commit |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
];

function tableRow(f: BenchFigures): string {
  const l = f.latencyMs;
  return `| ${f0(f.rows)} | ${f0(f.transactions)} | ${f0(f.eventsPerSecond)} | ${f0(l.p50)} / ${f0(l.p95)} / ${f0(l.p99)} | ${f1(f.daemonPeakRssMiB)} | ${f1(f.daemonCpuSeconds)} (${f0(f.daemonCpuMicrosPerEvent)}) | ${f.ceiling ? f0(f.ceiling.eventsPerSecond) : 'n/a'} | ${f.ratio === null ? 'n/a' : f3(f.ratio)} | ${f0(f.loadRowsPerSecond)} | ${f.at.slice(0, 10)}, ${f.commit}${f.incomplete ? ' (incomplete)' : ''} |`;
}

/** Replaces (or adds) the row for f.rows in the figures table of the docs file. */
export function updateDocsFigures(file: string, f: BenchFigures): void {
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf(START), b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${file} has no ${START} ... ${END} block to update`);
  const rows = text.slice(a + START.length, b).split('\n').filter((line) => /^\| [\d,]+ \|/.test(line));
  const key = `| ${f0(f.rows)} |`;
  const kept = rows.filter((r) => !r.startsWith(key));
  kept.push(tableRow(f));
  kept.sort((x, y) => Number(y.split('|')[1]!.replace(/\D/g, '')) - Number(x.split('|')[1]!.replace(/\D/g, '')));
  writeFileSync(file, `${text.slice(0, a + START.length)}\n${[...HEADER, ...kept].join('\n')}\n${text.slice(b)}`);
}
