/**
 * Builds a row struct (field name -> Connect value) from a source row (column name -> value)
 * with one converter per column: the hot loop of every source connector, shared by them all.
 *
 * The loop is compiled into one function with the column names as literals: an object literal
 * with the same keys in the same order (so every struct has the same hidden class), and named
 * loads from the source row, whose shape is the same for every row of a table, instead of keyed
 * loads seeing every name. Names are JSON string literals, so any name is safe in the source
 * text. A "__proto__" field takes a plain loop that defines each field as an own property: an
 * assignment (or a literal) would set the struct's prototype instead and lose the field.
 *
 * A column the row does not carry is read as null; a column present with the value undefined is
 * passed on as undefined (a source's "no value" marker: PostgreSQL's unchanged TOAST, MySQL's
 * invalid ENUM index), so the converter decides.
 */
export interface RowColumn {
  /** column name in the source row */
  readonly name: string;
  /** field name in the struct */
  readonly field: string;
  readonly convert: (value: never) => unknown;
}

export type RowBuilder<Row> = (row: Row) => Record<string, unknown>;

export function compileRowBuilder<Row extends Readonly<Record<string, unknown>>>(columns: readonly RowColumn[]): RowBuilder<Row> {
  if (columns.some((c) => c.name === '__proto__' || c.field === '__proto__')) return (row) => rowLoop(columns, row);
  const fields = columns.map((c, i) => {
    const name = JSON.stringify(c.name);
    return `    ${JSON.stringify(c.field)}: c${i}(${name} in row ? row[${name}] : null),`;
  });
  const body = ['return function buildRow(row) {', '  return {', ...fields, '  };', '};'].join('\n');
  const make = new Function(...columns.map((_, i) => `c${i}`), body) as (...converters: RowColumn['convert'][]) => RowBuilder<Row>;
  return make(...columns.map((c) => c.convert));
}

function rowLoop(columns: readonly RowColumn[], row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const value = (c.convert as (v: unknown) => unknown)(c.name in row ? row[c.name] : null);
    Object.defineProperty(out, c.field, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
