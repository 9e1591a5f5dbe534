/**
 * Whether a schema history record's position is at or before the offset a task resumes from,
 * i.e. whether its DDL had happened at that offset and its table definitions apply there.
 *
 * Positions are the connector's offset maps (offsets.ts: file, pos, gtids, event, row). Order:
 *  1. Both carry `gtids`: GTID containment, as Debezium does. A MySQL GTID set or a MariaDB GTID
 *     position names what was executed, on any server of the topology, so it still orders
 *     positions after a failover to a server whose binlog files have the same base name but
 *     unrelated offsets (mysql-bin.000007 on two servers are different files). Recorded set
 *     contained in the desired set = at or before; equal sets are ordered by `event`, since a
 *     DDL is its own transaction and a desired offset inside the next transaction is after it.
 *     MariaDB: per replication domain, sequence numbers only grow (gtid_strict_mode keeps
 *     them so); a domain missing from the desired position has executed nothing there.
 *  2. Only the desired one has `gtids`: the record is older (GTIDs are turned on, rarely off).
 *     Only the recorded one: it is newer. Debezium assumes the same.
 *  3. Neither: binlog file sequence number, then pos, event, row. These are exact within one
 *     server's binlog, which is all a connector without GTIDs can follow. Different base names
 *     (a restored or replaced server): the record is applied, as Debezium does, since a table
 *     definition missing is worse than one applied early; the task's table-map check
 *     (table-schema.ts checkAgainstTableMap) then catches a definition that does not fit.
 */
import type { JsonMap } from '../../src/events/record.ts';

function str(m: JsonMap, k: string): string | null {
  const v = m[k];
  return typeof v === 'string' && v !== '' ? v : null;
}

function num(m: JsonMap, k: string): number {
  const v = m[k];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return 0;
}

/** True when the recorded position is at or before the desired one (see the order above). */
export function isAtOrBefore(recorded: JsonMap, desired: JsonMap): boolean {
  const rg = str(recorded, 'gtids');
  const dg = str(desired, 'gtids');
  if (rg !== null && dg !== null) {
    const cmp = compareGtids(rg, dg);
    if (cmp === 'equal') return num(recorded, 'event') <= num(desired, 'event');
    return cmp === 'contained';
  }
  if (dg !== null) return true;
  if (rg !== null) return false;
  const rf = binlogFile(str(recorded, 'file') ?? '');
  const df = binlogFile(str(desired, 'file') ?? '');
  if (rf.base !== df.base) return true;
  for (const [a, b] of [[rf.seq, df.seq], [num(recorded, 'pos'), num(desired, 'pos')], [num(recorded, 'event'), num(desired, 'event')], [num(recorded, 'row'), num(desired, 'row')]] as const) {
    if (a !== b) return a < b;
  }
  return true;
}

/** `mysql-bin.000012` -> base `mysql-bin`, seq 12. */
export function binlogFile(name: string): { base: string; seq: number } {
  const m = /^(.*)\.(\d+)$/.exec(name);
  return m ? { base: m[1]!, seq: Number(m[2]) } : { base: name, seq: 0 };
}

export type GtidOrder = 'equal' | 'contained' | 'not-contained';

/** Compares two GTID sets (MySQL `uuid[:tag]:1-5:7,...`) or two MariaDB positions (`d-s-n,...`). */
export function compareGtids(a: string, b: string): GtidOrder {
  const mariadb = /^\s*\d+-\d+-\d+/.test(a) || /^\s*\d+-\d+-\d+/.test(b);
  return mariadb ? compareMariadb(a, b) : compareMysql(a, b);
}

function compareMariadb(a: string, b: string): GtidOrder {
  const pa = mariadbPosition(a);
  const pb = mariadbPosition(b);
  let equal = pa.size === pb.size;
  for (const [domain, seq] of pa) {
    const other = pb.get(domain);
    if (other === undefined || other < seq) return 'not-contained';
    if (other !== seq) equal = false;
  }
  return equal ? 'equal' : 'contained';
}

function mariadbPosition(text: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)-(\d+)-(\d+)$/.exec(item);
    if (!m) throw new RangeError(`not a MariaDB GTID position: ${text}`);
    out.set(m[1]!, BigInt(m[3]!));
  }
  return out;
}

type Intervals = Array<[bigint, bigint]>;

/** uuid[:tag] -> merged, sorted intervals. */
function mysqlSet(text: string): Map<string, Intervals> {
  const out = new Map<string, Intervals>();
  for (const block of text.replace(/\s+/g, '').split(',').filter(Boolean)) {
    const parts = block.split(':');
    const uuid = parts[0]!.toLowerCase();
    let tag = '';
    for (const p of parts.slice(1)) {
      const m = /^(\d+)(?:-(\d+))?$/.exec(p);
      if (!m) { tag = p.toLowerCase(); continue; }
      const key = tag ? `${uuid}:${tag}` : uuid;
      const list = out.get(key) ?? [];
      list.push([BigInt(m[1]!), BigInt(m[2] ?? m[1]!)]);
      out.set(key, list);
    }
  }
  for (const [k, list] of out) {
    list.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    const merged: Intervals = [];
    for (const iv of list) {
      const last = merged[merged.length - 1];
      if (last && iv[0] <= last[1] + 1n) last[1] = iv[1] > last[1] ? iv[1] : last[1];
      else merged.push([iv[0], iv[1]]);
    }
    out.set(k, merged);
  }
  return out;
}

function compareMysql(a: string, b: string): GtidOrder {
  const sa = mysqlSet(a);
  const sb = mysqlSet(b);
  let equal = sa.size === sb.size;
  for (const [k, list] of sa) {
    const other = sb.get(k) ?? [];
    for (const [lo, hi] of list) {
      if (!other.some(([olo, ohi]) => olo <= lo && hi <= ohi)) return 'not-contained';
    }
    if (JSON.stringify(list.map(String)) !== JSON.stringify(other.map(String))) equal = false;
  }
  return equal ? 'equal' : 'contained';
}
