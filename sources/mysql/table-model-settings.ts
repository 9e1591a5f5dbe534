/**
 * What the table models of one MySQL/MariaDB task are built with, read once from the task
 * config: type options, column.include/exclude.list and message.key.columns compiled into
 * predicates, the topic naming, and the task's name adjusters (one pair per task, so a name
 * conflict is judged across every table of the connector, as Debezium does).
 *
 * Filters match as Debezium's do (Predicates.includes/excludes, Key.CustomKeyMapper): each
 * pattern is a whole-name, case-insensitive regular expression against "db.table.column".
 */
import type { Logger } from '../../src/log/logger.ts';
import { ConfigError } from '../../src/errors/cdc-error.ts';
import { ADJUSTMENT_PROPERTY, NameAdjuster, type NameKind } from '../../src/serde/name-adjustment.ts';
import type { ServerFlavor } from './column-info.ts';
import type { MysqlTaskConfig } from './config-task.ts';
import type { MySqlTable } from './table-schema.ts';
import type { MySqlTypeOptions, TimePrecisionMode } from './types.ts';

export interface ModelNameAdjusters {
  readonly schema: NameAdjuster;
  readonly field: NameAdjuster;
}

export interface MySqlModelSettings {
  readonly flavour: ServerFlavor;
  readonly topicPrefix: string;
  readonly topicDelimiter: string;
  readonly types: MySqlTypeOptions;
  /** column.include.list / column.exclude.list on "db.table.column": true = the column is in the value */
  readonly columnFilter: (columnId: string) => boolean;
  /** message.key.columns: the key columns of a table in key order, or undefined for its primary key */
  readonly keyColumns: (table: MySqlTable) => readonly string[] | undefined;
  /** schema.name.adjustment.mode / field.name.adjustment.mode; null = names as they are */
  readonly names: ModelNameAdjusters | null;
}

const wholeIgnoringCase = (p: string) => new RegExp(`^(?:${p})$`, 'i');

/** Debezium's column filter: an include list when given, else everything the exclude list does not name. */
export function columnFilter(include: readonly string[], exclude: readonly string[]): (columnId: string) => boolean {
  const inc = include.map(wholeIgnoringCase);
  const exc = exclude.map(wholeIgnoringCase);
  if (inc.length > 0) return (id) => inc.some((r) => r.test(id));
  if (exc.length === 0) return () => true;
  return (id) => !exc.some((r) => r.test(id));
}

/**
 * message.key.columns ("db.table:c1,c2;db2.t:c"): as Debezium's CustomKeyMapper, each entry gives
 * the patterns "<table part>.<column>"; a table's key is the columns those patterns match, taken
 * pattern by pattern, each column in table order (a column matched twice counted once). No match
 * means the primary key.
 */
export function messageKeyColumns(spec: string | undefined): (table: MySqlTable) => readonly string[] | undefined {
  if (!spec) return () => undefined;
  const patterns: RegExp[] = [];
  for (const entry of spec.split(';').map((s) => s.trim()).filter(Boolean)) {
    const i = entry.indexOf(':');
    const tablePart = entry.slice(0, i).trim();
    for (const c of entry.slice(i + 1).split(',').map((x) => x.trim()).filter(Boolean)) patterns.push(wholeIgnoringCase(`${tablePart}.${c}`));
  }
  return (table) => {
    const out: string[] = [];
    for (const re of patterns) {
      for (const col of table.columns) {
        if (!out.includes(col.name) && re.test(`${table.db}.${table.name}.${col.name}`)) out.push(col.name);
      }
    }
    return out.length > 0 ? out : undefined;
  };
}

/** The task's adjusters; each replaced name is logged once, as Debezium warns. */
export function taskNameAdjusters(cfg: Pick<MysqlTaskConfig, 'events'>, log?: Logger): ModelNameAdjusters {
  const adjuster = (kind: NameKind) => new NameAdjuster({
    kind,
    mode: cfg.events.names[kind],
    ...(log ? {
      onReplaced: (original: string, adjusted: string) => log.warn({ original, adjusted, property: ADJUSTMENT_PROPERTY[kind], mode: cfg.events.names[kind] },
        `${kind} name is not a valid Avro name; using the adjusted name`),
    } : {}),
  });
  return { schema: adjuster('schema'), field: adjuster('field') };
}

const IMPLEMENTED_TIME_MODES: ReadonlySet<string> = new Set<TimePrecisionMode>(['adaptive_time_microseconds', 'connect', 'microseconds', 'nanoseconds']);

/** The task config's type options as the type mapping takes them. */
export function typeOptions(types: MysqlTaskConfig['types']): MySqlTypeOptions {
  const mode = types.timePrecisionMode;
  if (!IMPLEMENTED_TIME_MODES.has(mode)) {
    // The declaration accepts these Debezium modes, but the type mapping (type-temporal.ts) has
    // only the four above: refusing beats writing adaptive values under a name that says otherwise.
    throw new ConfigError({
      code: 'CDC_CONFIG_UNSUPPORTED',
      what: `time.precision.mode=${mode} is not implemented by the MySQL/MariaDB type mapping yet`,
      where: 'connector config, time.precision.mode',
      fix: 'set time.precision.mode=adaptive_time_microseconds (the default), connect, microseconds or nanoseconds',
    });
  }
  return {
    decimalHandlingMode: types.decimalHandlingMode,
    timePrecisionMode: mode as TimePrecisionMode,
    bigintUnsignedHandlingMode: types.bigintUnsignedHandlingMode,
    binaryHandlingMode: types.binaryHandlingMode,
    includeSchemaComments: types.includeSchemaComments,
  };
}

/** Settings for every table model of one task; `names` = taskNameAdjusters(cfg), made once per task. */
export function modelSettings(cfg: MysqlTaskConfig, names: ModelNameAdjusters | null): MySqlModelSettings {
  return {
    flavour: cfg.flavour,
    topicPrefix: cfg.events.topicPrefix,
    topicDelimiter: cfg.events.topicDelimiter,
    types: typeOptions(cfg.types),
    columnFilter: columnFilter(cfg.filters.columnInclude, cfg.filters.columnExclude),
    keyColumns: messageKeyColumns(cfg.filters.messageKeyColumns),
    names,
  };
}
