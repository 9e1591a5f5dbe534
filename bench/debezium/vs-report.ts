/**
 * The output of `npm run bench -- --vs-debezium`: the daemon's row and Debezium's row side by
 * side with the ratio daemon / Debezium, as a block for people and one JSON line for tracking.
 * A ratio above 1 means the daemon has more of it: more events/s is better, more CPU per event
 * and more memory are worse.
 */
import type { BenchFigures } from '../bench-report.ts';
import type { DebeziumFigures } from './debezium-run.ts';

export interface SideFigures {
  readonly eventsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number };
  readonly cpuSeconds: number;
  readonly cpuMicrosPerEvent: number;
  readonly peakRssMiB: number;
  readonly visibleEvents: number;
  readonly duplicates: number;
  readonly eventBytesAvg: number;
  readonly loadRowsPerSecond: number;
  readonly incomplete?: string;
}

export interface Comparison {
  readonly bench: 'pg-vs-debezium';
  readonly at: string;
  readonly commit: string;
  readonly rows: number;
  readonly transactions: number;
  readonly daemon: SideFigures;
  readonly debezium: SideFigures & { readonly versions: DebeziumFigures['versions'] };
  /** --catch-up: both readers were stopped during the load; events/s counts from the resume */
  readonly catchUp?: true;
  /** daemon / Debezium; null when either run is incomplete */
  readonly ratio: { readonly eventsPerSecond: number; readonly cpuMicrosPerEvent: number; readonly peakRssMiB: number } | null;
}

export function compare(d: BenchFigures, z: DebeziumFigures): Comparison {
  const daemon: SideFigures = {
    eventsPerSecond: d.eventsPerSecond, latencyMs: d.latencyMs, cpuSeconds: d.daemonCpuSeconds, cpuMicrosPerEvent: d.daemonCpuMicrosPerEvent,
    peakRssMiB: d.daemonPeakRssMiB, visibleEvents: d.visibleEvents, duplicates: d.duplicates, eventBytesAvg: d.eventBytesAvg,
    loadRowsPerSecond: d.loadRowsPerSecond, ...(d.incomplete ? { incomplete: d.incomplete } : {}),
  };
  const debezium = {
    eventsPerSecond: z.eventsPerSecond, latencyMs: z.latencyMs, cpuSeconds: z.cpuSeconds, cpuMicrosPerEvent: z.cpuMicrosPerEvent,
    peakRssMiB: z.peakRssMiB, visibleEvents: z.visibleEvents, duplicates: z.duplicates, eventBytesAvg: z.eventBytesAvg,
    loadRowsPerSecond: z.loadRowsPerSecond, versions: z.versions, ...(z.incomplete ? { incomplete: z.incomplete } : {}),
  };
  const complete = !d.incomplete && !z.incomplete;
  return {
    bench: 'pg-vs-debezium', at: z.at, commit: d.commit, rows: d.rows, transactions: d.transactions, daemon, debezium,
    ...(d.catchUp ? { catchUp: true as const } : {}),
    ratio: complete ? {
      eventsPerSecond: d.eventsPerSecond / z.eventsPerSecond,
      cpuMicrosPerEvent: d.daemonCpuMicrosPerEvent / z.cpuMicrosPerEvent,
      peakRssMiB: d.daemonPeakRssMiB / z.peakRssMiB,
    } : null,
  };
}

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const pad = (s: string, n: number) => s.padStart(n);

export function formatComparison(c: Comparison): string {
  const v = c.debezium.versions;
  const row = (label: string, s: SideFigures) =>
    `  ${label.padEnd(24)}${pad(f0(s.eventsPerSecond), 10)}${pad(`${f0(s.latencyMs.p50)} / ${f0(s.latencyMs.p95)} / ${f0(s.latencyMs.p99)}`, 31)}${pad(f1(s.cpuSeconds), 9)}${pad(f1(s.cpuMicrosPerEvent), 10)}${pad(f1(s.peakRssMiB), 10)}${pad(`${f0(s.visibleEvents)} / ${f0(s.duplicates)}`, 18)}${pad(f0(s.eventBytesAvg), 8)}`;
  const r = c.ratio;
  const lines = [
    `cdc bench pg-vs-debezium  ${c.at}  commit ${c.commit}  ${f0(c.rows)} rows in ${f0(c.transactions)} transactions, the same load through both${c.catchUp ? ' (catch-up: each reader stopped while the rows were written, events/s from its resume)' : ''}`,
    `  ${''.padEnd(24)}${pad('events/s', 10)}${pad('commit->visible p50/95/99 ms', 31)}${pad('CPU s', 9)}${pad('µs/event', 10)}${pad('RSS MiB', 10)}${pad('events / dups', 18)}${pad('bytes', 8)}`,
    row('cdcd daemon', c.daemon),
    row(`Debezium ${v.debezium.replace(/\.Final$/, '')}`, c.debezium),
    `  ${'ratio daemon/Debezium'.padEnd(24)}${pad(r ? `${f2(r.eventsPerSecond)}x` : 'n/a', 10)}${pad('', 31)}${pad('', 9)}${pad(r ? `${f2(r.cpuMicrosPerEvent)}x` : 'n/a', 10)}${pad(r ? `${f2(r.peakRssMiB)}x` : 'n/a', 10)}`,
    `  Debezium ran in Kafka Connect ${v.connect} (distributed, exactly.once.source.support=enabled) on Java ${v.java}, ${/JsonConverter/.test(v.converter) ? `JSON with schemas through ${v.converter} (the daemon's too)` : `Avro through ${v.converter}'s converter`};`,
    `  CPU and RSS are the whole process (node daemon / Connect JVM) from /proc; load rows/s ${f0(c.daemon.loadRowsPerSecond)} (daemon run), ${f0(c.debezium.loadRowsPerSecond)} (Debezium run)`,
  ];
  if (c.daemon.incomplete) lines.push(`  daemon INCOMPLETE: ${c.daemon.incomplete}`);
  if (c.debezium.incomplete) lines.push(`  Debezium INCOMPLETE: ${c.debezium.incomplete}`);
  return lines.join('\n');
}

export function formatComparisonJson(c: Comparison): string {
  return JSON.stringify(c);
}
