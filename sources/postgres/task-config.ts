/**
 * The typed view of a parsed PostgreSQL connector config: read once, through
 * the field declarations, so the rest of the plugin never sees property names.
 */
import type { WalGuardPolicy } from './wal-guard.ts';
import { readWalGuardPolicy } from './wal-guard-config.ts';
import type { ParsedConfig } from '../../src/config/define.ts';
import type { Op } from '../../src/events/envelope.ts';
import { F } from './config-spec.ts';
import { MAX_QUEUE_BYTES_FIELD } from '../../src/config/source-task-fields.ts';
import type { PgConnectionSettings } from './connection.ts';
import type { AutocreateMode } from './publication.ts';
import { buildFilters, type Filters } from './table-filter.ts';
import { parseKeyColumns } from './key-columns.ts';
import { selectOverrides } from './snapshot-overrides.ts';
import { splitStatements } from './sql-statements.ts';
import type { TypeOptions } from './types.ts';
import { messagePrefixFilter } from './logical-messages.ts';
import { readNameAdjustment, type NameAdjustmentSettings } from '../../src/serde/name-adjustment-config.ts';
import { resolveConfigurationBased } from '../../src/snapshot/configuration-based-mode.ts';

export interface PgTaskConfig {
  readonly connection: PgConnectionSettings;
  readonly topicPrefix: string;
  readonly topicDelimiter: string;
  readonly topicTransaction: string;
  readonly slotName: string;
  readonly slotDropOnStop: boolean;
  /** slot.failover: create the slot with FAILOVER so PostgreSQL 17+ synchronises it to standbys */
  readonly slotFailover: boolean;
  /** plugin.name: the decoding plugin the slot is created with and must use */
  readonly pluginName: string;
  /** slot.max.retries / slot.retry.delay.ms: waiting for a slot another connection holds */
  readonly slotRetries: { readonly max: number; readonly delayMs: number };
  /** slot.wal.*: the WAL protection policy (wal-guard.ts) */
  readonly walGuard: WalGuardPolicy;
  readonly publicationName: string;
  readonly publicationAutocreate: AutocreateMode;
  /** publish.via.partition.root: partitioned tables captured as their root (true) or as their leaf partitions */
  readonly publishViaRoot: boolean;
  /** the list filters as written, for partition-aware checks (partitions.ts) */
  readonly lists: { readonly schemaInclude: readonly string[]; readonly tableInclude: readonly string[]; readonly tableExclude: readonly string[] };
  readonly statusIntervalMs: number;
  readonly filters: Filters;
  /** include lists as written, to name the patterns that match no table */
  readonly includeLists: { readonly schema: readonly string[]; readonly table: readonly string[] };
  /** true when any include or exclude filter is set (an empty capture set is then a mistake) */
  readonly filtered: boolean;
  readonly keyColumns: (tableId: string) => readonly string[] | undefined;
  readonly skippedOperations: ReadonlySet<Op>;
  readonly tombstonesOnDelete: boolean;
  readonly txMetadata: boolean;
  /** extended.headers.enabled: Debezium's __debezium.context.* headers on change records */
  readonly extendedHeaders: boolean;
  readonly types: TypeOptions;
  /** schema.name.adjustment.mode / field.name.adjustment.mode as this task applies them. */
  readonly names: NameAdjustmentSettings;
  readonly snapshotMode: 'initial' | 'never' | 'initial_only' | 'no_data' | 'when_needed' | 'always';
  /** snapshot.strategy: chunked beside the stream, or the exported snapshot in one Kafka transaction */
  readonly snapshotStrategy: 'chunked' | 'single_transaction';
  /** snapshot.include.collection.list as a predicate over table ids (all when empty) */
  readonly snapshotIncludes: (tableId: string) => boolean;
  readonly chunkSize: number;
  readonly snapshotThreads: number;
  /** snapshot.tables.order.by.row.count */
  readonly tablesOrder: 'disabled' | 'ascending' | 'descending';
  readonly snapshotFetchSize: number;
  /** snapshot.select.statement.overrides: SELECT per table id */
  readonly snapshotSelects: ReadonlyMap<string, string>;
  readonly maxBatchSize: number;
  readonly maxQueueSize: number;
  /** max.queue.size.in.bytes (0 = no byte bound) */
  readonly maxQueueBytes: number;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatQuery: string | undefined;
  readonly heartbeatPrefix: string;
  /** message.prefix.include.list / message.prefix.exclude.list as one predicate */
  readonly messagePrefixes: (prefix: string) => boolean;
}

export function readPgTaskConfig(c: ParsedConfig): PgTaskConfig {
  const skipped = c.get(F.skippedOperations).filter((x) => x !== 'none') as Op[];
  return {
    connection: {
      host: c.get(F.hostname),
      port: c.get(F.port),
      user: c.get(F.user),
      password: c.get(F.password)?.reveal(),
      database: c.get(F.dbname),
      tls: {
        mode: c.get(F.sslmode),
        ...optional('rootCert', c.get(F.sslrootcert)),
        ...optional('cert', c.get(F.sslcert)),
        ...optional('key', c.get(F.sslkey)),
        ...optional('password', c.get(F.sslpassword)?.reveal()),
      },
      connectTimeoutMs: c.get(F.connectTimeout),
      applicationName: `cdc-${c.get(F.topicPrefix)}`,
      tcpKeepAlive: c.getBoolean('database.tcpKeepAlive') ?? true,
      initialStatements: splitStatements(c.get(F.initialStatements)),
    },
    topicPrefix: c.get(F.topicPrefix),
    topicDelimiter: c.get(F.topicDelimiter),
    topicTransaction: c.get(F.topicTransaction),
    slotName: c.get(F.slotName),
    slotDropOnStop: c.get(F.slotDropOnStop),
    slotFailover: c.getBoolean('slot.failover') ?? false,
    pluginName: c.get(F.pluginName),
    slotRetries: { max: c.get(F.slotMaxRetries), delayMs: c.get(F.slotRetryDelay) },
    walGuard: readWalGuardPolicy(c),
    publicationName: c.get(F.publicationName),
    publicationAutocreate: c.get(F.publicationAutocreate),
    publishViaRoot: c.get(F.publishViaRoot),
    lists: { schemaInclude: c.get(F.schemaInclude), tableInclude: c.get(F.tableInclude), tableExclude: c.get(F.tableExclude) },
    statusIntervalMs: c.get(F.statusInterval),
    filters: buildFilters({
      schemaInclude: c.get(F.schemaInclude), schemaExclude: c.get(F.schemaExclude),
      tableInclude: c.get(F.tableInclude), tableExclude: c.get(F.tableExclude),
      columnInclude: c.get(F.columnInclude), columnExclude: c.get(F.columnExclude),
    }),
    includeLists: { schema: c.get(F.schemaInclude), table: c.get(F.tableInclude) },
    filtered: [F.schemaInclude, F.schemaExclude, F.tableInclude, F.tableExclude].some((f) => c.get(f).length > 0),
    keyColumns: parseKeyColumns(c.get(F.messageKeyColumns)),
    skippedOperations: new Set(skipped),
    tombstonesOnDelete: c.get(F.tombstones),
    txMetadata: c.get(F.txMetadata),
    extendedHeaders: c.get(F.extendedHeaders),
    types: {
      decimalHandlingMode: c.get(F.decimalMode),
      timePrecisionMode: c.get(F.timePrecision),
      intervalHandlingMode: c.get(F.intervalMode),
      binaryHandlingMode: c.get(F.binaryMode),
      hstoreHandlingMode: c.get(F.hstoreMode),
      moneyFractionDigits: c.get(F.moneyDigits),
      unavailableValuePlaceholder: c.get(F.placeholder),
      includeUnknownDatatypes: c.get(F.includeUnknown),
      includeSchemaComments: c.get(F.includeSchemaComments),
    },
    names: readNameAdjustment(c),
    snapshotMode: snapshotMode(c),
    snapshotFetchSize: c.get(F.snapshotFetchSize),
    snapshotStrategy: c.get(F.snapshotStrategy),
    snapshotIncludes: anchoredAny(c.get(F.snapshotInclude)),
    chunkSize: c.get(F.chunkSize),
    snapshotThreads: c.get(F.maxThreads),
    tablesOrder: c.get(F.tablesOrder),
    snapshotSelects: selectOverrides(c.get(F.snapshotOverrides), c.raw()),
    maxBatchSize: c.get(F.maxBatchSize),
    maxQueueSize: c.get(F.maxQueueSize),
    maxQueueBytes: c.get(MAX_QUEUE_BYTES_FIELD),
    heartbeatIntervalMs: c.get(F.heartbeatInterval),
    heartbeatQuery: c.get(F.heartbeatQuery),
    heartbeatPrefix: c.get(F.heartbeatPrefix),
    messagePrefixes: messagePrefixFilter(c.get(F.msgInclude), c.get(F.msgExclude)),
  };
}

/** Whole-name match against any pattern; an empty list matches everything. */
function anchoredAny(patterns: readonly string[]): (id: string) => boolean {
  if (patterns.length === 0) return () => true;
  const res = patterns.map((p) => new RegExp(`^(?:${p.trim()})$`));
  return (id) => res.some((r) => r.test(id));
}

/** `{ key: value }` when value is set, else `{}` (keeps absent optionals absent). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

/** snapshot.mode, with configuration_based resolved to the named mode its flags behave as (its check refused the others). */
function snapshotMode(c: ParsedConfig): PgTaskConfig['snapshotMode'] {
  const mode = c.get(F.snapshotMode);
  if (mode !== 'configuration_based') return mode;
  const r = resolveConfigurationBased(c);
  if ('problem' in r) throw new Error(r.problem); // unreachable: snapshot.mode's check refuses these at parse time
  return r.mode;
}
