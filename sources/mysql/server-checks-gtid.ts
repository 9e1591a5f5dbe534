/**
 * Whether the transactions after a stored GTID position are still on the server, for
 * connectors that resume by GTID (the binlog file of the position may be gone while the
 * server still finds the transactions by GTID, or the other way round).
 *
 * MariaDB: a GTID position is one "domain-server-seq" per domain, the last transaction
 * applied. Each binlog file opens with a Gtid_list event naming, per domain, the last GTID
 * written before it. If a domain's stored seq is below the seq in the oldest file's list,
 * the transactions in between were in purged files; a domain missing from the stored
 * position needs its whole history, which is gone as soon as the list names it.
 * MySQL: the executed set must contain everything purged: GTID_SUBSET(@@gtid_purged, set).
 * (The MySQL path is written from the manual and not run against a server here.)
 */
import { SourceError } from '../../src/errors/cdc-error.ts';
import type { MysqlFlavour } from './config-spec.ts';
import type { SqlConnection } from './server-checks-connect.ts';

/** "0-1-100,1-3-7" -> highest seq per domain. */
export function parseMariadbPosition(text: string): Map<number, bigint> {
  const out = new Map<number, bigint>();
  for (const part of text.replace(/^\[|\]$/g, '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)-(\d+)-(\d+)$/.exec(part);
    if (!m) throw new Error(`"${part}" is not a MariaDB GTID (domain-server-sequence)`);
    const domain = Number(m[1]);
    const seq = BigInt(m[3]!);
    if (!out.has(domain) || out.get(domain)! < seq) out.set(domain, seq);
  }
  return out;
}

export interface PurgedDomain {
  readonly domain: number;
  /** last seq the connector applied in this domain; undefined when the stored position has none */
  readonly stored: bigint | undefined;
  /** last seq in the purged files */
  readonly purgedUpTo: bigint;
}

/** Pure: the domains whose transactions after `stored` start in purged files, given the oldest file's Gtid_list. */
export function mariadbPurgedDomains(stored: string, oldestGtidList: string): PurgedDomain[] {
  const have = parseMariadbPosition(stored);
  const out: PurgedDomain[] = [];
  for (const [domain, purgedUpTo] of parseMariadbPosition(oldestGtidList)) {
    const s = have.get(domain);
    if (s === undefined || s < purgedUpTo) out.push({ domain, stored: s, purgedUpTo });
  }
  return out;
}

const RECOVER = 'set snapshot.mode=when_needed and restart the connector (a new snapshot of every captured table, then streaming from the current position), or reset the offset with DELETE /connectors/<name>/offsets and restart';

/** The oldest binlog's Gtid_list (MariaDB), e.g. "[0-1-191]". */
async function oldestGtidList(sql: SqlConnection): Promise<{ file: string; list: string }> {
  const [logs] = await sql.query('SHOW BINARY LOGS') as unknown as [Array<{ Log_name: string }>];
  const file = logs[0]!.Log_name;
  const [events] = await sql.query('SHOW BINLOG EVENTS IN ? LIMIT 4', [file]) as unknown as [Array<{ Event_type: string; Info: string }>];
  return { file, list: events.find((e) => e.Event_type === 'Gtid_list')?.Info ?? '[]' };
}

/** undefined when every transaction after `storedGtids` is still on the server; else the error saying what was lost. */
export async function gtidPositionProblem(sql: SqlConnection, flavour: MysqlFlavour, storedGtids: string, where: string, server: string): Promise<SourceError | undefined> {
  if (flavour === 'mariadb') {
    const { file, list } = await oldestGtidList(sql);
    const lost = mariadbPurgedDomains(storedGtids, list);
    if (lost.length === 0) return undefined;
    const what = lost.map((d) => (d.stored === undefined
      ? `domain ${d.domain} (not in the stored position: its transactions up to seq ${d.purgedUpTo})`
      : `domain ${d.domain} seq ${d.stored + 1n} to ${d.purgedUpTo}`)).join(', ');
    return new SourceError({
      code: 'CDC_MYSQL_POSITION_PURGED',
      what: `the transactions after the stored GTID position ${storedGtids} are no longer all on ${server}: ${what} were in binlogs purged before ${file}, so they are lost to the connector`,
      where, fix: RECOVER,
    });
  }
  const [[row]] = await sql.query('SELECT GTID_SUBSET(@@GLOBAL.gtid_purged, ?) AS ok, GTID_SUBTRACT(@@GLOBAL.gtid_purged, ?) AS lost', [storedGtids, storedGtids]) as unknown as [[{ ok: number | string; lost: string }]];
  if (Number(row.ok) === 1) return undefined;
  return new SourceError({
    code: 'CDC_MYSQL_POSITION_PURGED',
    what: `the stored GTID set does not contain transactions ${row.lost} that ${server} has purged (gtid_purged), so they are lost to the connector`,
    where, fix: RECOVER,
  });
}
