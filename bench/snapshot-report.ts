/**
 * Output of `npm run bench:snapshot`: a block for people, the same figures as one
 * JSON line, and a row of the snapshot table in docs/benchmarks.md (between the
 * bench:snapshot markers; rows are kept, one per label and row count).
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface SnapshotFigures {
  readonly bench: 'pg-snapshot';
  readonly at: string;
  readonly commit: string;
  readonly label: string;
  readonly machine: { readonly cpus: number; readonly node: string; readonly postgres: string };
  readonly rows: number;
  readonly tableMiB: number;
  readonly visibleRecords: number;
  readonly duplicates: number;
  /** connector start (daemon spawned) -> first snapshot record visible to read_committed */
  readonly firstVisibleSeconds: number | null;
  /** connector start -> last snapshot record visible */
  readonly lastVisibleSeconds: number | null;
  /** rows / lastVisibleSeconds */
  readonly rowsPerSecond: number | null;
  readonly daemonPeakRssMiB: number;
  /** the largest anonymous RSS sampled, and the file-backed RSS at that sample (bench/process-stats.ts) */
  readonly daemonPeakRssAnonMiB?: number | null;
  readonly daemonRssFileMiB?: number | null;
  /** RSS (MiB) sampled over the run: [seconds since start, MiB] */
  readonly rssSeries: readonly (readonly [number, number])[];
  /** largest RSS in the second half of the run minus the largest in its first quarter: growth while the snapshot went on */
  readonly rssGrowthMiB: number | null;
  readonly daemonCpuSeconds: number;
  readonly cpuSecondsPer1000Rows: number;
  /** the connector's Kafka transactions as the broker recorded them */
  readonly kafkaTransactions: number | null;
  readonly longestKafkaTransactionSeconds: number | null;
  readonly connectorOverrides?: Readonly<Record<string, string>>;
  readonly incomplete?: string;
}

const f0 = (n: number | null) => (n !== null && Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const f1 = (n: number | null) => (n !== null && Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f3 = (n: number | null) => (n !== null && Number.isFinite(n) ? n.toFixed(3) : 'n/a');

export function formatSnapshotBlock(f: SnapshotFigures): string {
  const lines = [
    `cdc bench pg-snapshot  ${f.at}  commit ${f.commit} (${f.label})  ${f.machine.cpus} CPUs, node ${f.machine.node}, PostgreSQL ${f.machine.postgres}`,
    `  rows                              ${f0(f.rows)}  (table ${f0(f.tableMiB)} MiB)`,
    `  visible records / duplicates      ${f0(f.visibleRecords)} / ${f0(f.duplicates)}`,
    `  start -> first record visible     ${f1(f.firstVisibleSeconds)} s  (read_committed)`,
    `  start -> last record visible      ${f1(f.lastVisibleSeconds)} s`,
    `  rows/s                            ${f0(f.rowsPerSecond)}`,
    `  daemon peak RSS                   ${f1(f.daemonPeakRssMiB)} MiB  (growth during the run: ${f1(f.rssGrowthMiB)} MiB, 2nd half max - 1st quarter max)`,
    ...(f.daemonPeakRssAnonMiB != null && f.daemonRssFileMiB != null
      ? [`  of which anonymous at most        ${f1(f.daemonPeakRssAnonMiB)} MiB  (beside ${f1(f.daemonRssFileMiB)} MiB of file pages: the node binary, shared)`] : []),
    `  daemon RSS over time (s: MiB)     ${f.rssSeries.map(([s, m]) => `${s.toFixed(0)}:${m.toFixed(0)}`).join(' ')}`,
    `  daemon CPU                        ${f1(f.daemonCpuSeconds)} s = ${f3(f.cpuSecondsPer1000Rows)} s per 1,000 rows`,
    `  Kafka transactions (broker)       ${f0(f.kafkaTransactions)}, longest ${f1(f.longestKafkaTransactionSeconds)} s`,
  ];
  if (f.connectorOverrides) lines.push(`  connector overrides               ${Object.entries(f.connectorOverrides).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (f.incomplete) lines.push(`  INCOMPLETE: ${f.incomplete}`);
  return lines.join('\n');
}

const START = '<!-- bench:snapshot:start -->';
const END = '<!-- bench:snapshot:end -->';
const HEADER = [
  '| run | rows | rows/s | first visible s | last visible s | peak RSS MiB (growth) | CPU s per 1,000 rows | Kafka txns, longest s | date, commit |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
];

function tableRow(f: SnapshotFigures): string {
  return `| ${f.label} | ${f0(f.rows)} | ${f0(f.rowsPerSecond)} | ${f1(f.firstVisibleSeconds)} | ${f1(f.lastVisibleSeconds)} | ${f1(f.daemonPeakRssMiB)} (${f1(f.rssGrowthMiB)}) | ${f3(f.cpuSecondsPer1000Rows)} | ${f0(f.kafkaTransactions)}, ${f1(f.longestKafkaTransactionSeconds)} | ${f.at.slice(0, 10)}, ${f.commit}${f.incomplete ? ' (incomplete)' : ''} |`;
}

/** Replaces (or adds) the row for (label, rows) in the snapshot table of the docs file. */
export function updateSnapshotDocs(file: string, f: SnapshotFigures): void {
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf(START), b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${file} has no ${START} ... ${END} block to update`);
  const rows = text.slice(a + START.length, b).split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| run ') && !line.startsWith('| ---'));
  const key = `| ${f.label} | ${f0(f.rows)} |`;
  const kept = rows.filter((r) => !r.startsWith(key));
  kept.push(tableRow(f));
  writeFileSync(file, `${text.slice(0, a + START.length)}\n${[...HEADER, ...kept].join('\n')}\n${text.slice(b)}`);
}
