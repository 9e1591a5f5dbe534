/**
 * The PostgreSQL connector plugin as the registry sees it: class names users
 * write in connector.class, the config declarations, environment validation
 * (what `cdc validate` and config/validate report), and the task factory.
 */
import { connectFrameworkConfigDef } from '../../src/config/connect-framework-fields.ts';
import type { ParsedConfig } from '../../src/config/define.ts';
import type { SourceConnectorPlugin, ValidationProblem } from '../../src/runtime/source-task.ts';
import type { Logger } from '../../src/log/logger.ts';
import { CdcError } from '../../src/errors/cdc-error.ts';
import { POSTGRES_CONFIG_DEF, F } from './config-spec.ts';
import { PostgresSourceTask } from './task.ts';
import { pgPartition } from './offsets.ts';
import { openSql, slotState } from './connection.ts';
import { serverProblems } from './server-checks.ts';
import { overrideError } from './snapshot.ts';
import { readPgTaskConfig } from './task-config.ts';
import { nameAdjustmentProblems, planCapturedTables } from './table-registry.ts';
import { partitionFilterError, viaRootError } from './partition-errors.ts';
import { viaRootProblem } from './partitions.ts';
import { describeUnmatched, nothingCapturedError, unmatchedIncludes } from './capture-check.ts';
import { checkKeyColumns } from './key-columns.ts';
import { migratePostgres } from './migrate.ts';
import { startPostgresExtras, type SlotWatches } from './extras.ts';
import { slotLostError } from './snapshot-plan.ts';
import { maxSlotWalKeepBytes, walLimitProblem } from './wal-guard-config.ts';

/** The property a connection-time error belongs to, for config/validate. */
const CONNECT_PROPERTY: Record<string, string> = {
  CDC_PG_AUTH: 'database.password', CDC_PG_NO_DATABASE: 'database.dbname', CDC_PG_TLS: 'database.sslmode',
  CDC_PG_TLS_FILE: 'database.sslrootcert', CDC_PG_INITIAL_STATEMENT: 'database.initial.statements',
};

/** The property a server problem belongs to, for config/validate (others: database.hostname). */
const SERVER_PROBLEM_PROPERTY: Record<string, string> = { CDC_PG_NO_REPLICATION_PRIVILEGE: 'database.user', CDC_PG_FAILOVER_SLOT: 'slot.failover' };

export const POSTGRES_CONNECTOR_CLASS = 'io.debezium.connector.postgresql.PostgresConnector';
export const POSTGRES_PLUGIN_VERSION = '0.1.0';

export function createPostgresPlugin(): SourceConnectorPlugin {
  // The slot monitors this plugin runs, for its tasks to read the WAL protection level.
  const watches: SlotWatches = new Map();
  return {
    className: POSTGRES_CONNECTOR_CLASS,
    aliases: ['PostgresConnector', 'postgres', 'postgresql'],
    version: POSTGRES_PLUGIN_VERSION,
    type: 'source',
    configDef: connectFrameworkConfigDef().merge(POSTGRES_CONFIG_DEF),
    validateEnvironment,
    taskConfigs: (config) => [{ ...config.raw() }],
    createTask: () => new PostgresSourceTask({ watches }),
    onDelete: dropSlotOnDelete,
    partitions: (config) => [pgPartition(config.get(F.topicPrefix))],
    migrate: migratePostgres,
    startExtras: (config, env) => startPostgresExtras(config, env.registry, env.log, watches),
    configReference: {
      title: 'PostgreSQL connector',
      intro:
        'Properties of the PostgreSQL source connector (`connector.class: io.debezium.connector.postgresql.PostgresConnector`, ' +
        'or the aliases `PostgresConnector`, `postgres`, `postgresql`), with Debezium 3.6\'s names and defaults. ' +
        'The connector also accepts every connector framework property above. How to prepare the database, snapshot modes, ' +
        'offsets and slot lag metrics: [postgres.md](postgres.md).',
      def: POSTGRES_CONFIG_DEF,
    },
    // The names dashboards and alert rules have always used (docker/grafana, docs/postgres.md).
    metricNames: {
      receivedPosition: { name: 'cdc_postgres_received_lsn', help: 'Latest LSN received from the slot' },
      flushedPosition: { name: 'cdc_postgres_flushed_lsn', help: 'LSN confirmed to the slot (committed in Kafka)' },
    },
  };
}

async function validateEnvironment(config: ParsedConfig, _log: Logger): Promise<ValidationProblem[]> {
  const cfg = readPgTaskConfig(config);
  const where = `connector "${config.getString('name') ?? cfg.topicPrefix}"`;
  const out: ValidationProblem[] = [];
  const push = (e: CdcError, property?: string) => out.push({ code: e.code, what: e.what, where: e.where ?? where, fix: e.fix ?? '', ...(property ? { property } : {}) });
  let sql;
  try {
    sql = await openSql(cfg.connection);
  } catch (err) {
    if (err instanceof CdcError) { push(err, CONNECT_PROPERTY[err.code] ?? 'database.hostname'); return out; }
    throw err;
  }
  try {
    for (const p of (await serverProblems(sql, cfg, where)).problems) push(p, SERVER_PROBLEM_PROPERTY[p.code] ?? 'database.hostname');
    const plan = await planCapturedTables(sql, cfg);
    const tables = plan.captured;
    for (const p of plan.problems) push(partitionFilterError(p, where), p.property);
    const via = await viaRootProblem(sql, cfg.publicationName, cfg.publishViaRoot, tables);
    if (via) push(viaRootError(via, where), 'publish.via.partition.root');
    if (tables.length === 0 && cfg.filtered) {
      const e = nothingCapturedError(cfg.connection.database, where);
      push(e, config.get(F.tableInclude).length > 0 ? 'table.include.list' : 'schema.include.list');
    }
    for (const u of unmatchedIncludes(cfg.includeLists, tables)) {
      out.push({
        code: 'CDC_PG_TABLE_MISSING', property: u.property,
        what: describeUnmatched(u, cfg.connection.database),
        where: `${where}, property ${u.property}`,
        fix: u.property === 'table.include.list'
          ? 'check the schema and table name (schema.table, case-sensitive), or create the table first'
          : 'check the schema name (case-sensitive) and that it holds a table, or create it first',
      });
    }
    for (const p of await checkKeyColumns(sql, tables, cfg.keyColumns, cfg.skippedOperations.has('d'))) {
      out.push({ code: 'CDC_PG_KEY_COLUMNS', property: 'message.key.columns', what: p.what, where: `${where}, property message.key.columns`, fix: p.fix });
    }
    for (const t of tables) {
      const select = cfg.snapshotSelects.get(`${t.schema}.${t.name}`);
      if (select === undefined) continue;
      // EXPLAIN plans the statement without running it: syntax, names and privileges are checked.
      await sql.query(`EXPLAIN ${select}`).catch((err: unknown) => push(overrideError(`${t.schema}.${t.name}`, err), 'snapshot.select.statement.overrides'));
    }
    for (const p of await nameAdjustmentProblems(sql, cfg)) push(p, /^field/.test(p.what) ? 'field.name.adjustment.mode' : 'schema.name.adjustment.mode');
    const unreadable = tables.filter((t) => !t.selectable);
    for (const t of unreadable) {
      out.push({
        code: 'CDC_PG_NO_SELECT', property: 'database.user',
        what: `user "${cfg.connection.user}" cannot SELECT from ${t.schema}.${t.name}, so the snapshot cannot read it`,
        where: `${where}, property database.user`,
        fix: `GRANT SELECT ON "${t.schema}"."${t.name}" TO "${cfg.connection.user}";`,
      });
    }
    const pub = await sql.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [cfg.publicationName]);
    if (pub.rows.length === 0 && cfg.publicationAutocreate === 'disabled') {
      out.push({
        code: 'CDC_PG_NO_PUBLICATION', property: 'publication.name',
        what: `publication "${cfg.publicationName}" does not exist and publication.autocreate.mode=disabled`,
        where: `${where}, property publication.name`,
        fix: 'run "cdc migrate" or CREATE PUBLICATION ... FOR TABLE ...; or set publication.autocreate.mode=filtered',
      });
    }
    const slot = await slotState(sql, cfg.slotName);
    if (slot.exists && slot.plugin !== cfg.pluginName) {
      out.push({ code: 'CDC_PG_SLOT_PLUGIN', property: 'slot.name', what: `slot "${cfg.slotName}" uses plugin ${slot.plugin}, not ${cfg.pluginName} (plugin.name)`, where: `${where}, property slot.name`, fix: 'drop that slot or choose another slot.name' });
    }
    if (slot.exists && slot.invalidation !== null && cfg.snapshotMode !== 'when_needed') push(slotLostError(cfg.slotName, where, { invalidation: slot.invalidation }), 'slot.name');
    const walLimit = walLimitProblem(cfg.walGuard, await maxSlotWalKeepBytes(sql), where);
    if (walLimit) push(walLimit, 'slot.wal.limit.bytes');
  } finally {
    await sql.end().catch(() => undefined);
  }
  return out;
}

/**
 * slot.drop.on.stop: the slot goes with the connector. Only on delete: a pause,
 * a retry or a move to another worker must keep it, or its position is lost.
 */
async function dropSlotOnDelete(config: ParsedConfig, log: Logger): Promise<void> {
  if (!config.get(F.slotDropOnStop)) return;
  const cfg = readPgTaskConfig(config);
  const sql = await openSql(cfg.connection);
  try {
    for (let i = 0; i < 100; i++) {
      const s = await slotState(sql, cfg.slotName);
      if (!s.exists) return;
      if (!s.active) {
        await sql.query('SELECT pg_drop_replication_slot($1)', [cfg.slotName]);
        log.info({ slot: cfg.slotName }, 'slot dropped with its connector (slot.drop.on.stop=true)');
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    log.warn({ slot: cfg.slotName }, 'slot still in use 20 s after the connector was deleted; not dropped');
  } finally {
    await sql.end().catch(() => undefined);
  }
}
