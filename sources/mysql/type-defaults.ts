/**
 * Column defaults into the field schema, as Debezium's BinlogDefaultValueConverter does: the
 * default text is converted like a value of the column, so a consumer's schema carries it (and
 * the registry accepts a NOT NULL column added with a default under BACKWARD compatibility).
 * Rules taken from it: numbers are trimmed, `true`/`false` read as 1/0, a fractional default of
 * an integer column is rounded; BIT defaults are binary digits; a zero date (or zero month/day)
 * becomes no default for a nullable column and the epoch otherwise; CURRENT_TIMESTAMP / NOW()
 * on DATETIME and TIMESTAMP becomes the epoch (Debezium's DDL parser does the same); any other
 * expression (uuid(), nextval(...)) gives no default.
 */
import type { MySqlColumn } from './column-info.ts';
import type { MySqlScalarMapping } from './type-options.ts';

const CURRENT_TS = /^(current_timestamp|now|localtime|localtimestamp)(\(\d*\))?$/i;
const ZERO_DATE = /^(0000-\d{2}-\d{2}|\d{4}-00-\d{2}|\d{4}-\d{2}-00)( 00:00:00(\.0{1,6})?)?$/;
const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint']);
const NUMERIC_TYPES = new Set([...INTEGER_TYPES, 'decimal', 'numeric', 'float', 'double', 'real', 'bit', 'year']);

/** The Connect default of a column, or undefined when the schema gets none. */
export function parseColumnDefault(col: MySqlColumn, mapping: MySqlScalarMapping): unknown {
  let text = col.defaultValue;
  if (text === null || col.autoIncrement || col.generated) return undefined;
  const t = col.dataType;
  const temporal = t === 'date' || t === 'datetime' || t === 'timestamp' || t === 'time';
  if (col.defaultIsExpression) {
    if ((t === 'datetime' || t === 'timestamp') && CURRENT_TS.test(text.trim())) return epochValue(col, mapping);
    return undefined;
  }
  if (NUMERIC_TYPES.has(t) || temporal) text = text.trim();
  text = text.replace(/^_[A-Za-z0-9]+'(.*)'$/s, '$1'); // charset introducer
  try {
    if (NUMERIC_TYPES.has(t) && /^(true|false)$/i.test(text)) text = /^true$/i.test(text) ? '1' : '0';
    if (t === 'bit') {
      const digits = /^b'([01]*)'$/i.exec(text)?.[1] ?? (/^\d+$/.test(text) ? BigInt(text).toString(2) : text);
      return mapping.convert(BigInt(`0b${digits || '0'}`));
    }
    if (INTEGER_TYPES.has(t)) return mapping.convert(String(Math.round(Number(text))));
    if (t === 'float' || t === 'double' || t === 'real') return mapping.convert(Number(text));
    if (t === 'date' || t === 'datetime' || t === 'timestamp') {
      if (ZERO_DATE.test(text) || text === '0') return col.nullable ? undefined : epochValue(col, mapping);
      const full = t === 'date' ? text.slice(0, 10) : text.length === 10 ? `${text} 00:00:00` : text;
      const v = mapping.convert(full);
      return v === undefined ? undefined : v;
    }
    return mapping.convert(text);
  } catch {
    // Debezium logs an invalid default and leaves it out; so do we (the value path still checks values).
    return undefined;
  }
}

function epochValue(col: MySqlColumn, mapping: MySqlScalarMapping): unknown {
  if (col.dataType === 'timestamp') return '1970-01-01T00:00:00Z';
  return mapping.convert(col.dataType === 'date' ? '1970-01-01' : '1970-01-01 00:00:00');
}
