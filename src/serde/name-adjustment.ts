/**
 * Debezium's schema.name.adjustment.mode and field.name.adjustment.mode: how
 * record names (<prefix>.<schema>.<table>.Key/Value/Envelope) and field names
 * (column names) are rewritten so that a converter with stricter naming rules
 * (Avro) accepts them. Same rules as Debezium 3.6 (SchemaNameAdjuster and its
 * replacement functions), because the adjusted names are part of the schema
 * text, and so of the Schema Registry ids and subjects a consumer sees:
 *
 *   - Each UTF-16 code unit is looked at on its own (a character outside the
 *     BMP is two invalid units: two replacements).
 *   - avro: an invalid unit becomes "_". Valid: first [A-Za-z_], then
 *     [A-Za-z0-9_] plus "." in record names (a full name keeps its dots; its
 *     segments are not checked one by one, so "a.1b" stays as it is).
 *     An invalid first unit that is a digit (Java's Character.isDigit, any
 *     script) is kept behind the "_": "1st" -> "_1st".
 *   - avro_unicode: "_" is the escape character, so it is invalid itself. An
 *     invalid unit becomes "_u" + its lower-case hex code, padded with "00"
 *     only when that code has one or two digits ("-" -> "_u002d", "_" ->
 *     "_u005f", U+0101 -> "_u101"). Valid: first [A-Za-z], then [A-Za-z0-9],
 *     plus "." in record names. A leading digit is escaped, not kept.
 *   - none: names pass through unchanged.
 * A name that needs no change is returned as given; "" stays "".
 *
 * A NameAdjuster remembers, like Debezium's adjuster, every name it replaced:
 * two different names that end up as the same replacement are a conflict, and
 * the connector stops (Debezium throws a ConnectException there). Debezium keeps
 * that memory in a JVM-wide static per mode; here it is one adjuster per task
 * (no module-level state), so the check spans one connector, not every
 * connector of the worker.
 */
import { ConfigError } from '../errors/cdc-error.ts';

export const NAME_ADJUSTMENT_MODES = ['none', 'avro', 'avro_unicode'] as const;
export type NameAdjustmentMode = (typeof NAME_ADJUSTMENT_MODES)[number];
/** What is being named: a record (full name, dots allowed) or a field. */
export type NameKind = 'schema' | 'field';

const ASCII_LETTER = /^[A-Za-z]$/;
const ASCII_DIGIT = /^[0-9]$/;
/** Java's Character.isDigit on one UTF-16 unit: decimal digits of any script. */
const JAVA_DIGIT = /^\p{Nd}$/u;

function validFirst(c: string, mode: NameAdjustmentMode): boolean {
  return ASCII_LETTER.test(c) || (mode === 'avro' && c === '_');
}

function validLater(c: string, mode: NameAdjustmentMode, kind: NameKind): boolean {
  return validFirst(c, mode) || ASCII_DIGIT.test(c) || (kind === 'schema' && c === '.');
}

function replacement(unit: number, mode: NameAdjustmentMode): string {
  if (mode === 'avro') return '_';
  const hex = unit.toString(16);
  return `_u${hex.length <= 2 ? `00${hex}` : hex}`;
}

/** The adjusted name (pure; no conflict tracking). */
export function adjustName(name: string, mode: NameAdjustmentMode, kind: NameKind): string {
  if (mode === 'none' || name.length === 0) return name;
  let out = '';
  let changed = false;
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (i === 0 ? validFirst(c, mode) : validLater(c, mode, kind)) {
      out += c;
      continue;
    }
    changed = true;
    out += replacement(name.charCodeAt(i), mode);
    // avro keeps a leading digit after the "_", so "1a" and "2a" stay apart (DBZ-6559).
    if (i === 0 && mode === 'avro' && JAVA_DIGIT.test(c)) out += c;
  }
  return changed ? out : name;
}

export const ADJUSTMENT_PROPERTY: Readonly<Record<NameKind, string>> = {
  schema: 'schema.name.adjustment.mode',
  field: 'field.name.adjustment.mode',
};

export interface NameAdjusterDeps {
  readonly mode: NameAdjustmentMode;
  readonly kind: NameKind;
  /** Called once per name that was replaced (Debezium logs a warning there). */
  readonly onReplaced?: (original: string, adjusted: string) => void;
}

/** One per task and kind: adjusts names and refuses two names that collapse into one. */
export class NameAdjuster {
  /** adjusted -> the original that first produced it, for replaced names only (Debezium's rule). */
  private readonly originalOf = new Map<string, string>();
  private readonly seen = new Set<string>();

  constructor(private readonly deps: NameAdjusterDeps) {}

  get mode(): NameAdjustmentMode { return this.deps.mode; }

  /** `where` says where the name comes from (table, column), for the conflict error. */
  adjust(original: string, where: string): string {
    const adjusted = adjustName(original, this.deps.mode, this.deps.kind);
    if (adjusted === original || this.seen.has(original)) return adjusted;
    this.seen.add(original);
    const earlier = this.originalOf.get(adjusted);
    this.originalOf.set(adjusted, original);
    if (earlier !== undefined && earlier !== original) throw conflictError(this.deps.kind, this.deps.mode, [earlier, original], adjusted, where);
    this.deps.onReplaced?.(original, adjusted);
    return adjusted;
  }
}

/**
 * Field names for one struct, in order. Besides the adjuster's own rule, two
 * columns that end up with one field name are refused: Connect's SchemaBuilder
 * refuses a duplicate field (Debezium's task fails there too), and Avro would.
 */
export function adjustFieldNames(adjuster: NameAdjuster, columns: readonly string[], where: (column: string) => string): string[] {
  const out: string[] = [];
  const byField = new Map<string, string>();
  for (const column of columns) {
    const field = adjuster.adjust(column, where(column));
    const other = byField.get(field);
    if (other !== undefined && other !== column) throw conflictError('field', adjuster.mode, [other, column], field, where(column));
    byField.set(field, column);
    out.push(field);
  }
  return out;
}

function conflictError(kind: NameKind, mode: NameAdjustmentMode, originals: readonly [string, string], adjusted: string, where: string): ConfigError {
  const property = ADJUSTMENT_PROPERTY[kind];
  const noun = kind === 'schema' ? 'schema name' : 'field name';
  const [a, b] = originals;
  const unicodeKeepsApart = mode !== 'avro_unicode' && adjustName(a, 'avro_unicode', kind) !== adjustName(b, 'avro_unicode', kind);
  const rename = kind === 'field'
    ? 'rename one of the columns (ALTER TABLE ... RENAME COLUMN) or leave one out with column.exclude.list'
    : 'rename one of the tables or leave one out with table.exclude.list';
  return new ConfigError({
    code: 'CDC_NAME_ADJUSTMENT_CONFLICT',
    what: `${noun}s "${a}" and "${b}" both become "${adjusted}" under ${property}=${mode}; one schema cannot tell them apart`,
    where,
    fix: unicodeKeepsApart ? `${rename}, or set ${property}=avro_unicode, which escapes each character differently and keeps these two apart` : rename,
  });
}
