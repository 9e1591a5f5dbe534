/**
 * The typed view of a parsed MySQL/MariaDB connector config, read once through the field
 * declarations of config-spec.ts: every implemented property lands in one field of
 * MysqlTaskConfig, grouped by the part of the connector that must honour it. The rest of
 * the plugin reads this object, never property names.
 *
 * Status (issue 10): server-checks.ts and migrate.ts consume `connection`, `serverId`,
 * `flavour`, `snapshot.lockingMode`, `gtid` and the filters today; the binlog reader,
 * snapshot and event shaping (other work) must consume the rest.
 */
import type { ParsedConfig } from '../../src/config/define.ts';
import { readNameAdjustment, type NameAdjustmentSettings } from '../../src/serde/name-adjustment-config.ts';
import { M, MARIADB_CONNECTOR_CLASS, type MysqlFlavour } from './config-spec.ts';
import { effectiveServerId } from './config-server-id.ts';

export type LockingMode = 'minimal' | 'extended' | 'none';
export type SnapshotMode = 'initial' | 'initial_only' | 'when_needed' | 'no_data' | 'always';

export interface MysqlTls {
  /** database.ssl.mode, in MySQL's spelling (MariaDB's names mapped: disable, trust, verify-ca, verify-full) */
  readonly mode: 'disabled' | 'preferred' | 'required' | 'verify_ca' | 'verify_identity';
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly keyPassword?: string;
}

export interface MysqlConnectionSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string | undefined;
  readonly tls: MysqlTls;
  readonly connectTimeoutMs: number;
  /** database.initial.statements, split on ";" (";;" is a literal ";") */
  readonly initialStatements: readonly string[];
}

export interface MysqlTaskConfig {
  readonly flavour: MysqlFlavour;
  readonly connection: MysqlConnectionSettings;
  /** database.server.id, or the id derived from the connector name and topic.prefix */
  readonly serverId: number;
  /** true when database.server.id was written by the user (a duplicate is then their choice to fix) */
  readonly serverIdConfigured: boolean;
  /** Binlog connection: keep-alive, reconnects, session timeouts. */
  readonly binlog: {
    readonly keepAlive: boolean;
    readonly keepAliveIntervalMs: number;
    readonly maxReconnectAttempts: number;
    readonly netWriteTimeoutSec: number;
    readonly netReadTimeoutSec: number;
    readonly includeQuery: boolean;
  };
  readonly gtid: {
    readonly includes: readonly string[];
    readonly excludes: readonly string[];
    readonly filterDmlEvents: boolean;
    readonly ignoreOnRecovery: boolean;
  };
  readonly filters: {
    readonly databaseInclude: readonly string[];
    readonly databaseExclude: readonly string[];
    readonly tableInclude: readonly string[];
    readonly tableExclude: readonly string[];
    readonly columnInclude: readonly string[];
    readonly columnExclude: readonly string[];
    readonly messageKeyColumns: string | undefined;
  };
  readonly snapshot: {
    readonly mode: SnapshotMode;
    readonly lockingMode: LockingMode;
    readonly lockTimeoutMs: number;
    readonly include: readonly string[];
    readonly fetchSize: number;
    readonly chunkSize: number;
    readonly maxThreads: number;
    readonly tablesOrder: 'disabled' | 'ascending' | 'descending';
    readonly watermarking: 'insert_insert' | 'insert_delete';
  };
  readonly types: {
    readonly decimalHandlingMode: 'precise' | 'double' | 'string';
    readonly bigintUnsignedHandlingMode: 'long' | 'precise';
    readonly timePrecisionMode: 'adaptive_time_microseconds' | 'connect' | 'microseconds' | 'nanoseconds';
    readonly binaryHandlingMode: 'bytes' | 'base64' | 'base64-url-safe' | 'hex';
    readonly includeSchemaComments: boolean;
  };
  readonly events: {
    readonly topicPrefix: string;
    readonly topicDelimiter: string;
    readonly topicTransaction: string;
    readonly txMetadata: boolean;
    readonly includeSchemaChanges: boolean;
    readonly skippedOperations: ReadonlySet<'c' | 'u' | 'd' | 't'>;
    readonly tombstonesOnDelete: boolean;
    readonly extendedHeaders: boolean;
    readonly names: NameAdjustmentSettings;
  };
  readonly flow: {
    readonly maxBatchSize: number;
    readonly maxQueueSize: number;
    /** max.queue.size.in.bytes (0 = no byte bound) */
    readonly maxQueueBytes: number;
    readonly pollIntervalMs: number;
    readonly heartbeatIntervalMs: number;
    readonly heartbeatQuery: string | undefined;
    readonly heartbeatPrefix: string;
  };
}

const MARIADB_TLS: Readonly<Record<string, MysqlTls['mode']>> = { disable: 'disabled', trust: 'required', 'verify-ca': 'verify_ca', 'verify-full': 'verify_identity' };

/** MariaDB's connector class reads the MariaDB definition; anything else is MySQL. */
export function flavourOf(connectorClass: string | undefined): MysqlFlavour {
  return connectorClass === MARIADB_CONNECTOR_CLASS ? 'mariadb' : 'mysql';
}

export function splitStatements(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== ';') { cur += text[i]; continue; }
    if (text[i + 1] === ';') { cur += ';'; i++; continue; }
    out.push(cur);
    cur = '';
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

export function readMysqlTaskConfig(c: ParsedConfig): MysqlTaskConfig {
  const flavour = flavourOf(c.getString('connector.class'));
  const sslMode = c.getString('database.ssl.mode') ?? (flavour === 'mysql' ? 'preferred' : 'disable');
  const password = c.get(M.password)?.reveal();
  const keyPassword = c.get(M.sslKeyPassword)?.reveal();
  const tls: MysqlTls = {
    mode: MARIADB_TLS[sslMode] ?? (sslMode as MysqlTls['mode']),
    ...optional('ca', c.get(M.sslCa)), ...optional('cert', c.get(M.sslCert)), ...optional('key', c.get(M.sslKey)), ...optional('keyPassword', keyPassword),
  };
  const topicPrefix = c.get(M.topicPrefix);
  const configuredId = c.get(M.serverId);
  return {
    flavour,
    connection: {
      host: c.get(M.hostname), port: c.get(M.port), user: c.get(M.user), password, tls,
      connectTimeoutMs: c.get(M.connectTimeout),
      initialStatements: splitStatements(c.get(M.initialStatements)),
    },
    serverId: effectiveServerId(configuredId, c.getString('name'), topicPrefix),
    serverIdConfigured: configuredId !== undefined,
    binlog: {
      keepAlive: c.get(M.keepAlive),
      keepAliveIntervalMs: c.get(M.keepAliveInterval),
      maxReconnectAttempts: c.get(M.keepAliveAttempts),
      netWriteTimeoutSec: c.get(M.netWriteTimeout),
      netReadTimeoutSec: c.get(M.netReadTimeout),
      includeQuery: c.get(M.includeQuery),
    },
    gtid: {
      includes: c.get(M.gtidIncludes), excludes: c.get(M.gtidExcludes),
      filterDmlEvents: c.get(M.gtidFilterDml), ignoreOnRecovery: c.get(M.gtidIgnoreOnRecovery),
    },
    filters: {
      databaseInclude: c.get(M.databaseInclude), databaseExclude: c.get(M.databaseExclude),
      tableInclude: c.get(M.tableInclude), tableExclude: c.get(M.tableExclude),
      columnInclude: c.get(M.columnInclude), columnExclude: c.get(M.columnExclude),
      messageKeyColumns: c.get(M.messageKeyColumns),
    },
    snapshot: {
      // recovery, configuration_based and custom are refused by the declaration, so the rest remains.
      mode: c.get(M.mode) as SnapshotMode,
      lockingMode: (c.getString('snapshot.locking.mode') ?? 'minimal') as LockingMode,
      lockTimeoutMs: c.get(M.lockTimeout),
      include: c.get(M.include),
      fetchSize: c.get(M.fetchSize),
      chunkSize: c.get(M.chunkSize),
      maxThreads: c.get(M.maxThreads),
      tablesOrder: c.get(M.tablesOrder),
      watermarking: c.get(M.watermarking),
    },
    types: {
      decimalHandlingMode: c.get(M.decimalMode),
      bigintUnsignedHandlingMode: c.get(M.bigintUnsignedMode),
      // adaptive and structured are refused by the declaration.
      timePrecisionMode: c.get(M.timePrecision) as MysqlTaskConfig['types']['timePrecisionMode'],
      binaryHandlingMode: c.get(M.binaryMode),
      includeSchemaComments: c.get(M.includeSchemaComments),
    },
    events: {
      topicPrefix,
      topicDelimiter: c.get(M.topicDelimiter),
      topicTransaction: c.get(M.topicTransaction),
      txMetadata: c.get(M.txMetadata),
      includeSchemaChanges: c.get(M.includeSchemaChanges),
      skippedOperations: new Set(c.get(M.skippedOperations).filter((x): x is 'c' | 'u' | 'd' | 't' => x !== 'none')),
      tombstonesOnDelete: c.get(M.tombstones),
      extendedHeaders: c.get(M.extendedHeaders),
      names: readNameAdjustment(c),
    },
    flow: {
      maxBatchSize: c.get(M.maxBatchSize),
      maxQueueSize: c.get(M.maxQueueSize),
      maxQueueBytes: c.get(M.maxQueueBytes),
      pollIntervalMs: c.get(M.pollInterval),
      heartbeatIntervalMs: c.get(M.heartbeatInterval),
      heartbeatQuery: c.get(M.heartbeatQuery),
      heartbeatPrefix: c.get(M.heartbeatPrefix),
    },
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
