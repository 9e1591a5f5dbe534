/**
 * What the server must offer before capture can start, each missing piece reported with
 * the statement that fixes it: version, binary logging in ROW format with FULL row images
 * and FULL metadata, no compressed or partial-JSON row events, GTID settings when GTID
 * filters are used, the query log events include.query needs, the privileges of
 * database.user, a server id no other reader uses, and binlog retention (a warning).
 * Used by `cdc validate` (every problem listed) and at task start (first problem stops).
 *
 * SET GLOBAL fixes apply to sessions opened afterwards only: the fixes say so, because a
 * writer keeping an old session still writes the old format (binlog_format and
 * binlog_row_image can also be set per session, which no global check can see).
 */
import { SourceError } from '../../src/errors/cdc-error.ts';
import type { MysqlTaskConfig } from './config-task.ts';
import { describeServer, type SqlConnection } from './server-checks-connect.ts';
import { atLeast, isOn, readServerFacts, type ServerFacts } from './server-checks-facts.ts';
import { globalNeeds, hasGlobal, hasOnTable, parseGrants, type Grant } from './server-checks-privileges.ts';
import { retention, retentionWarning } from './server-checks-binlog.ts';
import { filterTables, isSystemDatabase, unmatchedIncludes, visibleTables, type TableId } from './server-checks-tables.ts';

export interface ServerReport {
  readonly facts: ServerFacts;
  readonly problems: SourceError[];
  /** findings that do not stop capture (short retention, connector class of the other flavour) */
  readonly warnings: string[];
}

const NEW_SESSIONS = 'sessions opened before keep the old value: reconnect the applications that write';

export async function serverProblems(sql: SqlConnection, cfg: MysqlTaskConfig, where: string): Promise<ServerReport> {
  const facts = await readServerFacts(sql);
  const server = `${facts.version.flavour === 'mariadb' ? 'MariaDB' : 'MySQL'} ${describeServer(cfg.connection)}`;
  const out: SourceError[] = [];
  const warnings: string[] = [];
  const at = `${where}, property database.hostname`;
  const problem = (code: string, what: string, fix: string, property?: string) =>
    out.push(new SourceError({ code, what: `${server} ${what}`, where: property ? `${where}, property ${property}` : at, fix }));

  const v = facts.version;
  // The version first: on an unsupported server the other findings may not mean much.
  if (v.flavour === 'mysql' ? !atLeast(v, 8, 0, 1) : !atLeast(v, 10, 5)) {
    problem('CDC_MYSQL_VERSION', `runs ${v.text}; the connector needs MySQL 8.0.1+ or MariaDB 10.5+ (binlog_row_metadata=FULL first appears there)`, 'upgrade the server (MariaDB 10.11 and later are tested)');
    return { facts, problems: out, warnings };
  }
  if (v.flavour !== cfg.flavour) {
    const cls = v.flavour === 'mariadb' ? 'io.debezium.connector.mariadb.MariaDbConnector' : 'io.debezium.connector.mysql.MySqlConnector';
    warnings.push(`${server}: connector.class names the ${cfg.flavour === 'mariadb' ? 'MariaDB' : 'MySQL'} connector; events will say source.connector=${cfg.flavour} and database.ssl.mode takes that connector's values; set connector.class to ${cls} to match the server`);
  }
  const vars = facts.vars;
  if (!isOn(vars.get('log_bin'))) {
    problem('CDC_MYSQL_BINLOG_OFF', 'has binary logging off (log_bin=OFF); the connector reads changes from the binlog', 'add log_bin (e.g. log-bin=binlog) and a unique server-id to the [mysqld] / [mariadbd] section of my.cnf, then restart the server');
  }
  const format = (vars.get('binlog_format') ?? '').toUpperCase();
  if (format !== 'ROW') {
    problem('CDC_MYSQL_BINLOG_FORMAT', `has binlog_format=${format || 'unset'}; with STATEMENT or MIXED, changes are logged as SQL text the connector cannot turn into rows`, `run SET GLOBAL binlog_format = 'ROW' and put binlog_format=ROW in my.cnf (${NEW_SESSIONS})`);
  }
  const image = (vars.get('binlog_row_image') ?? '').toUpperCase();
  if (image !== 'FULL') {
    problem('CDC_MYSQL_ROW_IMAGE', `has binlog_row_image=${image || 'unset'}; without FULL, columns missing from a row event would look like NULL in the change events`, `run SET GLOBAL binlog_row_image = 'FULL' and put binlog_row_image=FULL in my.cnf (${NEW_SESSIONS})`);
  }
  const metadata = (vars.get('binlog_row_metadata') ?? '').toUpperCase();
  if (metadata !== 'FULL') {
    problem('CDC_MYSQL_ROW_METADATA', `has binlog_row_metadata=${metadata || 'unset'}; without FULL, row events carry no column names, so after an ALTER TABLE rows would be decoded with the wrong columns`, `run SET GLOBAL binlog_row_metadata = 'FULL' and put binlog_row_metadata=FULL in my.cnf (${NEW_SESSIONS})`);
  }
  if (isOn(vars.get('binlog_transaction_compression'))) {
    problem('CDC_MYSQL_BINLOG_COMPRESSION', 'has binlog_transaction_compression=ON; the binlog reader cannot decode compressed transactions (TRANSACTION_PAYLOAD events), so their row changes would be missing', `run SET GLOBAL binlog_transaction_compression = OFF and remove it from my.cnf (${NEW_SESSIONS})`);
  }
  if ((vars.get('binlog_row_value_options') ?? '').toUpperCase().includes('PARTIAL_JSON')) {
    problem('CDC_MYSQL_BINLOG_COMPRESSION', 'has binlog_row_value_options=PARTIAL_JSON; partial JSON updates cannot be decoded into whole rows', `run SET GLOBAL binlog_row_value_options = '' and remove it from my.cnf (${NEW_SESSIONS})`);
  }
  if (isOn(vars.get('log_bin_compress'))) {
    problem('CDC_MYSQL_BINLOG_COMPRESSION', 'has log_bin_compress=ON; compressed row events cannot be decoded', 'run SET GLOBAL log_bin_compress = OFF and remove it from my.cnf');
  }
  gtidChecks(facts, cfg, problem, warnings, server);
  if (cfg.binlog.includeQuery) {
    const name = v.flavour === 'mariadb' ? 'binlog_annotate_row_events' : 'binlog_rows_query_log_events';
    if (!isOn(vars.get(name))) {
      problem('CDC_MYSQL_QUERY_EVENTS', `has ${name}=OFF, so the binlog carries no statement text for include.query`, `run SET GLOBAL ${name} = ON and put ${name}=ON in my.cnf, or set include.query=false`, 'include.query');
    }
  }
  if (Number(vars.get('server_id')) === cfg.serverId) {
    problem('CDC_MYSQL_SERVER_ID', `has server_id=${cfg.serverId} itself, and the connector would announce the same id`, `set database.server.id to a number no server or other binlog reader uses${cfg.serverIdConfigured ? '' : ' (the derived one collides: set one explicitly)'}`, 'database.server.id');
  } else {
    await duplicateReader(sql, cfg, facts, problem, warnings, server);
  }
  await privilegeChecks(sql, cfg, facts, problem, warnings, server);
  const w = retentionWarning(retention(facts), server);
  if (w) warnings.push(w);
  return { facts, problems: out, warnings };
}

type Problem = (code: string, what: string, fix: string, property?: string) => void;

function gtidChecks(facts: ServerFacts, cfg: MysqlTaskConfig, problem: Problem, warnings: string[], server: string): void {
  const filtered = cfg.gtid.includes.length > 0 || cfg.gtid.excludes.length > 0;
  if (!filtered) return;
  const property = cfg.gtid.includes.length > 0 ? 'gtid.source.includes' : 'gtid.source.excludes';
  if (facts.version.flavour === 'mysql') {
    if ((facts.vars.get('gtid_mode') ?? '').toUpperCase() !== 'ON') {
      problem('CDC_MYSQL_GTID_MODE', `has gtid_mode=${facts.vars.get('gtid_mode') ?? 'unset'}; ${property} filters GTIDs, which the server only writes with gtid_mode=ON`, 'set enforce_gtid_consistency=ON and gtid_mode=ON (step by step: OFF_PERMISSIVE, ON_PERMISSIVE, ON, as the MySQL manual describes) and in my.cnf, or remove ' + property, property);
    }
  } else if (!isOn(facts.vars.get('gtid_strict_mode'))) {
    warnings.push(`${server} has gtid_strict_mode=OFF while ${property} is set: without strict mode a domain's sequence numbers may go backwards, and a GTID position can then skip transactions on resume; run SET GLOBAL gtid_strict_mode = ON (and in my.cnf)`);
  }
}

/**
 * Another binlog reader with our id: a replica registered under it (SHOW SLAVE HOSTS /
 * SHOW REPLICAS). Readers that do not register (zongji, Debezium's client) are not listed
 * anywhere; the server then drops one of the two dump connections when the second starts.
 * The listing needs REPLICATION MASTER ADMIN on MariaDB 10.5.2+; without it the check is
 * skipped with a warning, not failed.
 */
async function duplicateReader(sql: SqlConnection, cfg: MysqlTaskConfig, facts: ServerFacts, problem: Problem, warnings: string[], server: string): Promise<void> {
  let rows: Array<Record<string, unknown>>;
  // MySQL 8.4 removed SHOW SLAVE HOSTS; SHOW REPLICAS exists since 8.0.22.
  const statement = facts.version.flavour === 'mysql' && atLeast(facts.version, 8, 0, 22) ? 'SHOW REPLICAS' : 'SHOW SLAVE HOSTS';
  try {
    [rows] = await sql.query(statement) as unknown as [Array<Record<string, unknown>>];
  } catch (err) {
    const e = err as { errno?: number };
    if (e.errno === 1227 || e.errno === 1142) {
      warnings.push(`${server}: database.user may not list the replicas (SHOW SLAVE HOSTS needs REPLICATION MASTER ADMIN on MariaDB, REPLICATION SLAVE on MySQL), so a replica using database.server.id ${cfg.serverId} cannot be ruled out`);
      return;
    }
    throw err;
  }
  const same = rows.find((r) => Number(r['Server_id'] ?? r['Server_Id']) === cfg.serverId);
  if (same) {
    const host = String(same['Host'] ?? '') || 'an unnamed host';
    problem('CDC_MYSQL_SERVER_ID', `has a replica registered with server id ${cfg.serverId} (${host}:${String(same['Port'] ?? '?')}); two readers with one id drop each other's binlog connection`, `set database.server.id to a number no server or other binlog reader uses${cfg.serverIdConfigured ? '' : ' (the derived one collides: set one explicitly)'}`, 'database.server.id');
  }
}

async function privilegeChecks(sql: SqlConnection, cfg: MysqlTaskConfig, facts: ServerFacts, problem: Problem, warnings: string[], server: string): Promise<void> {
  const [rows] = await sql.query('SHOW GRANTS') as unknown as [Array<Record<string, string>>];
  const grants: Grant[] = parseGrants(rows.map((r) => String(Object.values(r)[0])));
  const user = `'${cfg.connection.user}'`;
  const newMariaDb = facts.version.flavour === 'mariadb' && atLeast(facts.version, 10, 5, 2);
  const visible = await visibleTables(sql);
  const tables = filterTables(visible, cfg.filters);
  for (const u of unmatchedIncludes(visible.filter((t) => !isSystemDatabase(t.database)), cfg.filters)) {
    warnings.push(`${server}: ${u.property} entry "${u.pattern}" matches no table database.user can see (a typo, a case difference, or no privilege on it: GRANT SELECT)`);
  }
  if (tables.length === 0 && Object.values(cfg.filters).some((l) => Array.isArray(l) && l.length > 0)) {
    problem('CDC_MYSQL_NO_TABLES', 'has no table the filters capture: the connector would run and never emit a change', 'correct database.include.list / table.include.list / database.exclude.list / table.exclude.list (whole-name regular expressions, database.table for tables), or create the tables first', 'table.include.list');
  }
  const databases = [...new Set(tables.map((t) => t.database))];
  for (const need of globalNeeds(facts.version.flavour, newMariaDb, cfg.snapshot.lockingMode)) {
    const held = need.anyOf.some((p) => hasGlobal(grants, p))
      || (need.anyOf.includes('LOCK TABLES') && databases.length > 0 && databases.every((db) => hasOnTable(grants, 'LOCK TABLES', db, '*')));
    if (!held) {
      problem('CDC_MYSQL_PRIVILEGE', `does not give user ${user} the ${need.privilege} privilege, needed for ${need.why}`, `GRANT ${need.privilege} ON *.* TO ${user}@'<host>'; or apply migrations/mysql/001_cdc_user.sql ("cdc migrate")`, 'database.user');
    }
  }
  const noSelect = tables.filter((t: TableId) => !hasOnTable(grants, 'SELECT', t.database, t.table));
  if (noSelect.length > 0) {
    const names = noSelect.slice(0, 5).map((t) => `${t.database}.${t.table}`).join(', ') + (noSelect.length > 5 ? ` and ${noSelect.length - 5} more` : '');
    problem('CDC_MYSQL_PRIVILEGE', `does not give user ${user} SELECT on the captured table${noSelect.length === 1 ? '' : 's'} ${names}, needed by the snapshot and for column defaults`, `GRANT SELECT ON ${noSelect[0]!.database}.* TO ${user}@'<host>'; (per captured database), or narrow database.include.list / table.include.list`, 'database.user');
  }
}

/** Task start: throws the first problem; returns the facts and the warnings to log. */
export async function checkServer(sql: SqlConnection, cfg: MysqlTaskConfig, where: string): Promise<ServerReport> {
  const report = await serverProblems(sql, cfg, where);
  if (report.problems.length > 0) throw report.problems[0];
  return report;
}
