/**
 * The ceiling of the MariaDB bench: how fast the same binlog range can be read
 * with nothing downstream, run as its own process after the daemon stopped:
 *   node --import tsx bench/zongji-ceiling.ts '<json CeilingPlan>'
 * mode 'zongji': bare @vlasky/zongji with the options sources/mysql/binlog-reader.ts
 *   gives it (dateStrings, timezone Z, jsonStrings, big numbers as strings), every
 *   event decoded and dropped: the library's own cost plus the server's dump.
 * mode 'reader': sources/mysql/binlog-reader.ts (queue, back-pressure, GTID
 *   tracking, event translation) drained by a loop that drops every event: what
 *   the daemon's binlog reading costs before any conversion, Avro or Kafka.
 * Timed from the dump being ready (connected, checksum and flavor settled) to
 * the last expected row, the same span the daemon's catch-up figure uses.
 * Prints one JSON CeilingRun line on stdout.
 */
import ZongJi from '@vlasky/zongji';
import type { ConnectionOptions } from 'mysql2';
import { BinlogReader } from '../sources/mysql/binlog-reader.ts';

export interface CeilingPlan {
  readonly mode: 'zongji' | 'reader';
  readonly mysql: { host: string; port: number; user: string; password: string };
  readonly serverId: number;
  readonly start: { file: string; pos: number };
  /** rows (of row events) to read before the clock stops */
  readonly rows: number;
  readonly timeoutMs: number;
}

export interface CeilingRun {
  readonly mode: 'zongji' | 'reader';
  readonly rows: number;
  /** connect + dump request until ready */
  readonly startSeconds: number;
  /** ready -> last expected row */
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly cpuSeconds: number;
}

const ROW_EVENTS = new Set(['writerows', 'updaterows', 'deleterows']);

function bareZongji(plan: CeilingPlan): Promise<{ readyAt: number; doneAt: number; rows: number }> {
  const z = new ZongJi({ ...plan.mysql, dateStrings: true, timezone: 'Z', jsonStrings: true, supportBigNumbers: true, bigNumberStrings: true } as ConnectionOptions);
  let readyAt = 0, rows = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { z.stop(); reject(new Error(`zongji read ${rows} of ${plan.rows} rows in ${plan.timeoutMs} ms`)); }, plan.timeoutMs);
    z.on('ready', () => { readyAt = performance.now(); });
    z.on('error', (err: unknown) => { clearTimeout(timer); reject(err instanceof Error ? err : new Error(String(err))); });
    z.on('binlog', (e: { getEventName(): string; rows?: unknown[] }) => {
      if (!ROW_EVENTS.has(e.getEventName())) return;
      rows += e.rows!.length;
      if (rows >= plan.rows) {
        const doneAt = performance.now();
        clearTimeout(timer);
        z.stop();
        resolve({ readyAt, doneAt, rows });
      }
    });
    z.start({ serverId: plan.serverId, filename: plan.start.file, position: plan.start.pos });
  });
}

async function throughReader(plan: CeilingPlan): Promise<{ readyAt: number; doneAt: number; rows: number }> {
  const r = new BinlogReader({ connection: plan.mysql, serverId: plan.serverId, start: plan.start, heartbeatIntervalMs: 0, reconnect: { maxAttempts: 1 } });
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), plan.timeoutMs);
  try {
    await r.start();
    const readyAt = performance.now();
    let rows = 0;
    while (rows < plan.rows) {
      const e = await r.next(ac.signal);
      if (e === null) throw new Error(`binlog reader read ${rows} of ${plan.rows} rows in ${plan.timeoutMs} ms`);
      if (e.type === 'rows') rows += e.rows.length;
    }
    return { readyAt, doneAt: performance.now(), rows };
  } finally {
    clearTimeout(timer);
    await r.stop();
  }
}

export async function measureBinlogCeiling(plan: CeilingPlan): Promise<CeilingRun> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const { readyAt, doneAt, rows } = plan.mode === 'zongji' ? await bareZongji(plan) : await throughReader(plan);
  const cpu = process.cpuUsage(cpu0);
  const seconds = (doneAt - readyAt) / 1000;
  return { mode: plan.mode, rows, startSeconds: (readyAt - t0) / 1000, seconds, rowsPerSecond: rows / seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const plan = JSON.parse(process.argv[2] ?? '') as CeilingPlan;
  measureBinlogCeiling(plan).then(
    (r) => { process.stdout.write(`${JSON.stringify(r)}\n`); process.exit(0); },
    (err: unknown) => { process.stderr.write(`zongji-ceiling failed: ${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); },
  );
}
