/**
 * Test double of a MySQL/MariaDB connection for the chunked snapshot's unit
 * tests: answers the statements sources/mysql/chunk-source.ts sends (the
 * information_schema look-ups, START TRANSACTION / COMMIT, SHOW STATUS LIKE
 * 'binlog_snapshot_%', the keyset selects) from tables held in memory, with
 * integer keys in one column. The binlog position each snapshot reports is
 * scripted (a queue, then a fixed value), so tests choose P.
 */
import type { SqlSession } from '../../sources/mysql/chunk-sessions.ts';
import type { BinlogPoint } from '../../sources/mysql/chunk-position.ts';

export interface ScriptedColumn { readonly name: string; readonly type: string; readonly nullable?: boolean }

export interface ScriptedTable {
  readonly columns: readonly ScriptedColumn[];
  readonly pk: readonly string[];
  rows: Record<string, unknown>[];
}

export class ScriptedMySqlSession {
  readonly tables = new Map<string, ScriptedTable>();
  /** every statement, in order */
  readonly statements: string[] = [];
  /** positions the next snapshots report, first first; then `point` */
  readonly points: BinlogPoint[] = [];
  point: BinlogPoint = { file: 'binlog.000001', pos: 4 };
  /**
   * mariadb: SHOW STATUS gives binlog_snapshot_*; mysql8.4: no such status, SHOW BINARY LOG STATUS;
   * mysql8.0: neither, SHOW MASTER STATUS (SHOW BINARY LOG STATUS is a syntax error, 1064).
   */
  flavour: 'mariadb' | 'mysql8.4' | 'mysql8.0' = 'mariadb';
  /** runs inside a chunk select, before its rows are taken (tests change rows here) */
  duringSelect: (() => void) | null = null;

  get session(): SqlSession {
    return { query: (sql: string, params?: unknown[]) => this.run(sql, params ?? []), execute: (sql: string, params?: unknown[]) => this.run(sql, params ?? []) } as unknown as SqlSession;
  }

  /** how many chunk selects ran */
  selects(): number {
    return this.statements.filter((s) => s.startsWith('SELECT `') && !s.includes('DESC LIMIT 1')).length;
  }

  private async run(sql: string, params: unknown[]): Promise<[unknown, unknown[]]> {
    this.statements.push(sql);
    const ok = (rows: unknown): [unknown, unknown[]] => [rows, []];
    if (/^(START TRANSACTION|COMMIT|ROLLBACK|SET )/.test(sql)) return ok({});
    if (sql.startsWith("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
      if (this.flavour !== 'mariadb') return ok([]);
      const p = this.points.shift() ?? this.point;
      return ok([{ Variable_name: 'Binlog_snapshot_file', Value: p.file }, { Variable_name: 'Binlog_snapshot_position', Value: String(p.pos) }]);
    }
    if (sql === 'SHOW BINARY LOG STATUS' || sql === 'SHOW MASTER STATUS') {
      if (this.flavour === 'mariadb' || (this.flavour === 'mysql8.0' && sql === 'SHOW BINARY LOG STATUS')) throw Object.assign(new Error('You have an error in your SQL syntax'), { errno: 1064 });
      const p = this.points.shift() ?? this.point;
      return ok([{ File: p.file, Position: p.pos, Executed_Gtid_Set: '' }]);
    }
    if (sql.includes('information_schema.COLUMNS')) {
      const t = this.tables.get(`${String(params[0])}.${String(params[1])}`);
      return ok((t?.columns ?? []).map((c) => ({ name: c.name, data_type: c.type, column_type: c.type, nullable: c.nullable ? 'YES' : 'NO', prec: null, scale: null })));
    }
    if (sql.includes('information_schema.STATISTICS')) return ok((this.tables.get(`${String(params[0])}.${String(params[1])}`)?.pk ?? []).map((name) => ({ name })));
    if (sql.includes('information_schema.TABLES')) return ok([{ n: this.tables.get(`${String(params[0])}.${String(params[1])}`)?.rows.length ?? 0 }]);
    const from = /FROM `([^`]+)`\.`([^`]+)`/.exec(sql);
    const t = from ? this.tables.get(`${from[1]}.${from[2]}`) : undefined;
    if (!t) throw new Error(`scripted session: no answer for ${sql}`);
    const key = t.pk[0]!;
    if (sql.includes('DESC LIMIT 1')) return ok([...t.rows].sort((a, b) => Number(a[key]) - Number(b[key])).slice(-1));
    this.duringSelect?.();
    const rowsNow = [...t.rows].sort((a, b) => Number(a[key]) - Number(b[key]));
    const nums = params.map(Number);
    const [after, max] = sql.includes(' > ') ? [nums[0]!, nums[1]!] : [-Infinity, nums[0]!];
    const limit = Number(/LIMIT (\d+)/.exec(sql)![1]);
    return ok(rowsNow.filter((r) => Number(r[key]) > after && Number(r[key]) <= max).slice(0, limit).map((r) => ({ ...r })));
  }
}
