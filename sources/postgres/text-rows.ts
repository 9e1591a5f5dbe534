/**
 * What both readers of PostgreSQL's text rows share (pgoutput.ts for the stream, copy-chunk.ts
 * for snapshot chunks): column text decoded straight from a buffer slice, and a row class per
 * table so that every row of it shares one hidden class.
 */

/** Buffer's own utf8Slice skips toString's argument checks. */
const utf8 = (Buffer.prototype as unknown as { utf8Slice?: (start: number, end: number) => string }).utf8Slice;

/** The UTF-8 text of buf[start, end). */
export function utf8Text(buf: Buffer, start: number, end: number): string {
  return utf8 ? utf8.call(buf, start, end) : buf.toString('utf8', start, end);
}

/**
 * A constructor of empty rows whose columns are then assigned in one fixed order. Its
 * prototype chain ends in an object without a prototype: a column may be named __proto__ or
 * constructor and is still a plain own property.
 */
export function rowClass<R extends object>(): new () => R {
  const Row = function Row(this: R) { /* columns are assigned in one fixed order */ } as unknown as new () => R;
  Row.prototype = Object.create(null) as R;
  return Row;
}
