/**
 * org.apache.kafka.connect.json.JsonConverter equivalent. schemas.enable=true
 * (Connect's default) wraps each record as {"schema": ..., "payload": ...};
 * false writes the payload alone. Text layout lives in connect-json.ts (and,
 * for values with a schema, json-bytes-writer.ts writes the same text as bytes);
 * this file owns config and the per-schema cache (by object identity: the
 * schema text and compiled writers are built once per schema object).
 */
import type { ConnectSchema } from '../events/schema.ts';
import { ConfigError, SinkError } from '../errors/cdc-error.ts';
import type { Converter } from './converter.ts';
import { compileJsonPayloadWriter, connectJsonSchema, type DecimalFormat, type JsonPayloadWriter } from './connect-json.ts';
import { compileJsonBytesWriter, writeJsonRecord, type JsonBytesWrite } from './json-bytes-writer.ts';
import { ValueMismatchError } from './value-mismatch.ts';

export interface JsonConverterConfig {
  readonly schemasEnable: boolean;
  readonly decimalFormat: DecimalFormat;
  readonly replaceNullWithDefault: boolean;
}

/** Keys as Connect names them, without the key.converter./value.converter. prefix (passed for messages). */
export function parseJsonConverterConfig(raw: Readonly<Record<string, unknown>>, prefix = ''): JsonConverterConfig {
  const bool = (name: string, dflt: boolean): boolean => {
    const v = raw[name];
    if (v === undefined || v === null || v === '') return dflt;
    const s = String(v).trim().toLowerCase();
    if (s === 'true' || s === 'false') return s === 'true';
    throw new ConfigError({ code: 'CDC_CONVERTER_CONFIG', what: `${prefix}${name} must be true or false, got "${String(v)}"`, where: `property ${prefix}${name}`, fix: 'use true or false' });
  };
  const format = String(raw['decimal.format'] ?? 'BASE64').trim().toUpperCase();
  if (format !== 'BASE64' && format !== 'NUMERIC') {
    throw new ConfigError({ code: 'CDC_CONVERTER_CONFIG', what: `${prefix}decimal.format=${String(raw['decimal.format'])} is not supported`, where: `property ${prefix}decimal.format`, fix: 'use BASE64 or NUMERIC' });
  }
  return {
    schemasEnable: bool('schemas.enable', true),
    decimalFormat: format,
    replaceNullWithDefault: bool('replace.null.with.default', true),
  };
}

interface Prepared {
  /** `{"schema":<the schema's JSON>,"payload":` as UTF-8, built once (null with schemas.enable=false): only the payload is encoded per record */
  readonly head: Buffer | null;
  readonly payload: JsonBytesWrite;
}

const CLOSE = 0x7d; // }

/** head + payload + `}` in one buffer; the schema part is copied, not encoded again. */
function envelope(head: Buffer, payload: string): Buffer {
  const n = Buffer.byteLength(payload, 'utf8');
  const out = Buffer.allocUnsafe(head.length + n + 1);
  head.copy(out, 0);
  out.write(payload, head.length, n, 'utf8');
  out[head.length + n] = CLOSE;
  return out;
}

export class JsonConverter implements Converter {
  private readonly prepared = new WeakMap<ConnectSchema, Prepared>();
  private readonly schemaless: JsonPayloadWriter;
  private readonly nullSchemaHead = Buffer.from('{"schema":null,"payload":', 'utf8');

  constructor(private readonly deps: { readonly config: JsonConverterConfig }) {
    this.schemaless = compileJsonPayloadWriter(null, deps.config);
  }

  async fromConnectData(topic: string, isKey: boolean, schema: ConnectSchema | null, value: unknown): Promise<Buffer | null> {
    return this.bytes(topic, isKey, schema, value);
  }

  /** No registry: the bytes are always had at once (a failure is left to fromConnectData to report). */
  fromConnectDataNow(topic: string, isKey: boolean, schema: ConnectSchema | null, value: unknown): Buffer | null | undefined {
    try {
      return this.bytes(topic, isKey, schema, value);
    } catch {
      return undefined;
    }
  }

  private bytes(topic: string, isKey: boolean, schema: ConnectSchema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    try {
      if (schema !== null) {
        const p = this.prepare(schema); // a bad schema default surfaces here
        return writeJsonRecord(p.head, p.payload, value);
      }
      const payload = this.schemaless(value);
      return this.deps.config.schemasEnable ? envelope(this.nullSchemaHead, payload) : Buffer.from(payload, 'utf8');
    } catch (err) {
      const path = err instanceof ValueMismatchError ? err.path : undefined;
      throw new SinkError({
        code: 'CDC_SERDE_VALUE_INVALID', cause: err,
        what: `the ${isKey ? 'key' : 'value'} does not match its schema ${schema?.name ?? schema?.type ?? ''}: ${(err as Error).message}`,
        where: `topic ${topic}${path ? `, field ${path}` : ''}`,
        fix: 'a source produced a value of the wrong type for its column; report it with the column type',
      });
    }
  }

  private prepare(schema: ConnectSchema): Prepared {
    let p = this.prepared.get(schema);
    if (!p) {
      p = {
        head: this.deps.config.schemasEnable ? Buffer.from(`{"schema":${connectJsonSchema(schema, this.deps.config)},"payload":`, 'utf8') : null,
        payload: compileJsonBytesWriter(schema, this.deps.config),
      };
      this.prepared.set(schema, p);
    }
    return p;
  }
}
