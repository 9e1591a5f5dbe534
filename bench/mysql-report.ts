/**
 * The MariaDB bench's output (bench/mysql-throughput.ts): one block of figures
 * for people and the same figures as a single JSON line for tracking
 * (`npm run bench -- --source mariadb | grep '^{'`).
 */
import type { CeilingRun } from './zongji-ceiling.ts';

export interface PhaseFigures {
  readonly rows: number;
  readonly transactions: number;
  /** how long the loader took, and its rate (catch-up: as fast as MariaDB takes it) */
  readonly loadSeconds: number;
  readonly loadRowsPerSecond: number;
  readonly visibleEvents: number;
  readonly duplicates: number;
  /** catch-up: binlog stream started -> last event visible; live: first commit -> last event visible */
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** CPU of the daemon over the same span, and per million visible events */
  readonly daemonCpuSeconds: number;
  readonly daemonCpuSecondsPerMillion: number;
  /** largest VmRSS polled during the phase */
  readonly daemonMaxRssMiB: number;
}

export interface MysqlBenchFigures {
  readonly bench: 'mariadb-throughput';
  readonly at: string;
  readonly commit: string;
  readonly machine: { readonly cpus: number; readonly node: string; readonly mariadb: string; readonly loadAverage: number };
  /** the daemon restarted on a binlog of `rows` rows written while it was stopped */
  readonly catchUp: PhaseFigures & { readonly daemonStartSeconds: number };
  /** rows written at a steady rate while the daemon streams */
  readonly live: PhaseFigures & {
    readonly rate: number;
    /** the most a live transaction was sent after its due time (the loader could not keep the rate) */
    readonly loaderMaxLagMs: number;
    /** consumer receive time - the loader's commit acknowledgement, over every live event */
    readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
    /** the same against source.ts_ms, which MariaDB's binlog gives in whole seconds: up to 1 s too high */
    readonly latencyFromTsMs: { readonly p50: number; readonly p99: number };
  };
  /** VmHWM of the daemon (start-up, catch-up and live load) */
  readonly daemonPeakRssMiB: number;
  /** the largest anonymous RSS sampled, and the file-backed RSS at that sample (bench/process-stats.ts) */
  readonly daemonPeakRssAnonMiB?: number | null;
  readonly daemonRssFileMiB?: number | null;
  readonly eventBytesAvg: number;
  readonly kafkaTransactions: number;
  /** the catch-up's binlog range read with bare zongji, and with sources/mysql/binlog-reader.ts */
  readonly ceiling: { readonly zongji: CeilingRun | null; readonly reader: CeilingRun | null };
  /** catch-up events/s / bare zongji rows/s */
  readonly ratio: number | null;
  readonly connectorOverrides?: Readonly<Record<string, string>>;
  readonly noteChars?: number;
  readonly incomplete?: string;
}

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const f3 = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : 'n/a');

function ceilingLine(c: CeilingRun | null, label: string): string {
  return `  ${label.padEnd(30)}${c ? `${f0(c.rowsPerSecond)}  (${f3(c.seconds)} s after ${f3(c.startSeconds)} s to connect; ${f2(c.cpuSeconds)} CPU s)` : 'n/a'}`;
}

export function formatMysqlBlock(f: MysqlBenchFigures): string {
  const c = f.catchUp, l = f.live, lat = l.latencyMs;
  const lines = [
    `cdc bench mariadb-throughput  ${f.at}  commit ${f.commit}  ${f.machine.cpus} CPUs (load average ${f2(f.machine.loadAverage)} at start), node ${f.machine.node}, MariaDB ${f.machine.mariadb}`,
    `  catch-up: rows / transactions    ${f0(c.rows)} / ${f0(c.transactions)}  (1..max rows each, random; written while the daemon was stopped, ${f0(c.loadRowsPerSecond)} rows/s)`,
    `  catch-up: visible / duplicates   ${f0(c.visibleEvents)} / ${f0(c.duplicates)}`,
    `  catch-up: events/s end to end    ${f0(c.eventsPerSecond)}  (binlog stream started -> last event visible: ${f1(c.seconds)} s; daemon start to stream ${f1(c.daemonStartSeconds)} s)`,
    `  catch-up: daemon CPU             ${f1(c.daemonCpuSeconds)} s = ${f1(c.daemonCpuSecondsPerMillion)} CPU s per million events  (max RSS ${f1(c.daemonMaxRssMiB)} MiB)`,
    `  live: rows at a steady rate      ${f0(l.rows)} at ${f0(l.rate)} rows/s in ${f0(l.transactions)} transactions  (loader took ${f1(l.loadSeconds)} s, at most ${f0(l.loaderMaxLagMs)} ms late)`,
    `  live: visible / duplicates       ${f0(l.visibleEvents)} / ${f0(l.duplicates)}`,
    `  live: events/s end to end        ${f0(l.eventsPerSecond)}  (first commit -> last event visible: ${f1(l.seconds)} s)`,
    `  live: commit->visible p50/p95/p99 ${f0(lat.p50)} / ${f0(lat.p95)} / ${f0(lat.p99)} ms  (max ${f0(lat.max)} ms; loader's commit ack -> read_committed consumer)`,
    `  live: same from source.ts_ms     ${f0(l.latencyFromTsMs.p50)} / ${f0(l.latencyFromTsMs.p99)} ms p50/p99  (binlog header time: whole seconds, so up to 1 s too high)`,
    `  live: daemon CPU                 ${f1(l.daemonCpuSeconds)} s = ${f1(l.daemonCpuSecondsPerMillion)} CPU s per million events  (max RSS ${f1(l.daemonMaxRssMiB)} MiB)`,
    `  daemon peak RSS                  ${f1(f.daemonPeakRssMiB)} MiB  (VmHWM${f.daemonPeakRssAnonMiB != null && f.daemonRssFileMiB != null ? `; sampled peak of anonymous memory ${f1(f.daemonPeakRssAnonMiB)} MiB, beside ${f1(f.daemonRssFileMiB)} MiB of file pages: the node binary, shared` : ''})`,
    `  event size / Kafka transactions  ${f0(f.eventBytesAvg)} bytes key + value / ${f0(f.kafkaTransactions)}`,
    ceilingLine(f.ceiling.zongji, 'bare zongji rows/s'),
    ceilingLine(f.ceiling.reader, 'binlog-reader.ts rows/s'),
    `  ratio catch-up/zongji            ${f.ratio === null ? 'n/a' : f3(f.ratio)}`,
  ];
  if (f.connectorOverrides) lines.push(`  connector overrides              ${Object.entries(f.connectorOverrides).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (f.noteChars !== undefined) lines.push(`  wide rows                        note column of ${f.noteChars} characters`);
  if (f.incomplete) lines.push(`  INCOMPLETE: ${f.incomplete}`);
  return lines.join('\n');
}
