/**
 * A Connect value that does not fit its Connect schema, found while converting
 * it for the wire (Avro datum or Connect JSON). Converters turn it into a
 * SinkError naming topic and field path.
 */
import type { ConnectSchema } from '../events/schema.ts';

export class ValueMismatchError extends Error {
  /** path: dotted field path ("after.amount"), "[]" for array items, "{}" for map values. */
  constructor(readonly path: string, readonly problem: string) {
    super(`${path || '<root>'}: ${problem}`);
    this.name = 'ValueMismatchError';
  }

  static of(path: string, schema: ConnectSchema, v: unknown): ValueMismatchError {
    const got = v === null ? 'null' : Array.isArray(v) ? 'array' : Buffer.isBuffer(v) ? 'Buffer' : typeof v;
    const want = schema.type === 'bytes' ? 'Buffer' : schema.type === 'int64' ? 'bigint or integer number' : schema.type;
    return new ValueMismatchError(path, `expected ${want}${schema.name ? ` (${schema.name})` : ''}, got ${got}`);
  }

  static requiredNull(path: string): ValueMismatchError {
    return new ValueMismatchError(path, 'null for a required field without default');
  }
}
