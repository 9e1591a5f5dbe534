/**
 * The task's schema history and DDL path, wired to the runtime: at start the history topic
 * (schema.history.internal.kafka.topic) is declared and read back up to the stored offset, so
 * rows behind a later ALTER are decoded with the definitions of their own time; a fresh start
 * seeds the history with the captured tables' definitions at the start position; each DDL event
 * becomes one unit carrying its history record (internalRecords, committed with the offset after
 * the DDL), its schema change records (include.schema.changes) and truncate events.
 */
import type { InternalRecord, JsonMap, SourceRecord, SourceUnit } from '../../src/events/record.ts';
import type { SourceTaskContext } from '../../src/runtime/source-task.ts';
import type { Logger } from '../../src/log/logger.ts';
import type { BinlogEvent } from './binlog-events.ts';
import type { MysqlTaskConfig } from './config-task.ts';
import type { MySqlEventOptions, MySqlSourceFacts } from './event-model.ts';
import { handleDdl } from './ddl-handler.ts';
import { readSchemaHistorySettings, type SchemaHistorySettings } from './schema-history-config.ts';
import { encodeHistoryRecord, historyTopicSpec, HistoryReplay, snapshotHistoryEntry } from './schema-history.ts';
import { readTableOptions } from './table-changes.ts';
import { readTableSchema, type SqlRunner } from './table-schema.ts';
import { databaseCaptured } from './server-checks-tables.ts';
import { sourceSchema, sourceValue } from './source-info.ts';
import { truncateRecords } from './change-events.ts';
import type { MySqlTableRegistry } from './table-registry.ts';
import type { ServerFlavor } from './column-info.ts';

export interface SchemaTrackingDeps {
  readonly cfg: MysqlTaskConfig;
  readonly ctx: SourceTaskContext;
  readonly log: Logger;
  readonly run: SqlRunner;
  readonly flavor: ServerFlavor;
  readonly registry: MySqlTableRegistry;
  readonly events: MySqlEventOptions;
  readonly serverId: () => number;
  readonly where: string;
}

export class SchemaTracking {
  private readonly settings: SchemaHistorySettings;

  private constructor(private readonly deps: SchemaTrackingDeps) {
    this.settings = readSchemaHistorySettings(deps.ctx.config, deps.cfg.events.topicPrefix);
  }

  /**
   * Declares the history topic and reads it back: the definitions as of `stored` (null: a fresh
   * start, nothing to recover) become the registry's known tables.
   */
  static async open(deps: SchemaTrackingDeps, stored: JsonMap | null): Promise<SchemaTracking> {
    const t = new SchemaTracking(deps);
    const topic = await deps.ctx.internalTopics.declare(historyTopicSpec(t.settings.topic));
    const server = deps.cfg.events.topicPrefix;
    const replay = new HistoryReplay(server, stored);
    const read = await topic.readAll((r) => replay.apply(r.value, `schema history topic ${t.settings.topic}, offset ${r.offset}`));
    for (const [id, table] of replay.tables) deps.registry.setKnown(id, table);
    const c = replay.counts;
    if (stored && c.applied === 0) {
      deps.log.warn({ topic: t.settings.topic }, 'the schema history holds nothing for this connector although an offset is stored: tables are read from information_schema, and rows written before a later ALTER fail with CDC_MYSQL_SCHEMA_MISMATCH instead of decoding wrongly');
    } else {
      deps.log.info({ topic: t.settings.topic, records: read, applied: c.applied, tables: replay.tables.size }, 'schema history read back');
    }
    return t;
  }

  /** History records of the captured tables as they are now, for the first unit of a fresh start. */
  async seed(captured: readonly string[], position: JsonMap): Promise<InternalRecord[]> {
    const out: InternalRecord[] = [];
    const server = this.deps.cfg.events.topicPrefix;
    for (const id of captured) {
      const dot = id.indexOf('.');
      const db = id.slice(0, dot), name = id.slice(dot + 1);
      const table = await readTableSchema(this.deps.run, db, name, this.deps.flavor);
      if (!table) continue;
      const options = await readTableOptions(this.deps.run, db, name);
      out.push(encodeHistoryRecord(this.settings.topic, snapshotHistoryEntry(server, position, Date.now(), table, options, `CREATE TABLE \`${db}\`.\`${name}\` /* definition at the connector's start */`)));
      this.deps.registry.setKnown(id, table);
    }
    return out;
  }

  /** The DDL hook of the binlog units: the DDL's own records and the registry's new definitions. */
  async onDdl(e: Extract<BinlogEvent, { type: 'ddl' }>, position: JsonMap): Promise<Pick<SourceUnit, 'records' | 'internalRecords'>> {
    const { cfg, registry, flavor } = this.deps;
    const facts: MySqlSourceFacts = {
      serverName: cfg.events.topicPrefix, db: e.db, table: null, tsMs: e.timestampMs, snapshot: 'false',
      serverId: e.serverId ?? this.deps.serverId(), gtid: e.gtid, file: e.file, pos: e.pos, row: 0, thread: e.thread, query: null,
    };
    const where = `${this.deps.where}, DDL at ${e.file}:${e.pos}`;
    const outcome = await handleDdl({ db: e.db, query: e.query }, position, facts, Date.now(), {
      server: cfg.events.topicPrefix, flavour: cfg.flavour, history: this.settings, includeSchemaChanges: cfg.events.includeSchemaChanges,
      filter: {
        database: (db) => databaseCaptured(db, cfg.filters),
        table: (t) => registry.isCaptured(t.db, t.table),
      },
      readTable: async (t) => {
        const table = await readTableSchema(this.deps.run, t.db, t.table, flavor);
        return table ? { table, options: await readTableOptions(this.deps.run, t.db, t.table) } : null;
      },
      before: (t) => registry.definition(`${t.db}.${t.table}`),
      databaseCharset: async (db) => {
        const rows = await this.deps.run('SELECT DEFAULT_CHARACTER_SET_NAME AS CS FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [db]);
        const cs = rows[0]?.CS;
        return cs === undefined || cs === null ? null : String(cs);
      },
      tablesOfDb: (db) => registry.knownIds().filter((id) => id.startsWith(`${db}.`)).map((id) => ({ db, table: id.slice(db.length + 1) })),
      sourceBlock: (f) => ({ schema: sourceSchema(cfg.flavour), value: sourceValue(cfg.flavour, f) }),
    }, where);
    if (outcome.notRecorded) this.deps.log.debug({ ddl: e.query.slice(0, 200), why: outcome.notRecorded }, 'DDL not recorded in the schema history');
    for (const r of outcome.readFromServer) this.deps.log.debug({ table: r.table, why: r.why }, 'DDL not interpreted: the definition after it is read from information_schema (right unless the table was altered again since)');
    if (outcome.parse.kind === 'unknown') this.deps.log.warn({ ddl: e.query.slice(0, 200), reason: outcome.parse.reason }, 'a DDL statement the parser cannot read was skipped (schema.history.internal.skip.unparseable.ddl=true)');
    for (const [id, table] of outcome.tables) registry.setKnown(id, table);
    const records: SourceRecord[] = [...outcome.schemaChanges];
    if (!this.deps.events.skippedOperations.has('t')) {
      for (const t of outcome.truncated) {
        const model = await registry.modelFor(t.db, t.table, null);
        records.push(...truncateRecords(model, { ...facts, db: t.db, table: t.table }, null, this.deps.events));
      }
    }
    if (outcome.tables.size > 0 || outcome.truncated.length > 0) this.deps.log.info({ ddl: e.query.slice(0, 200), tables: [...outcome.tables.keys()] }, 'DDL applied to the captured tables\' definitions');
    return { records, internalRecords: outcome.internalRecords };
  }
}

