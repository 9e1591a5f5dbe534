/**
 * Reads Confluent-framed Avro back into plain JS values, for the demo's consumer
 * and the converter's unit tests (integration tests read Kafka through
 * @kafkajs/confluent-schema-registry, see docs/serde.md). Independent of our encoder: the writer
 * schema comes from the registry (GET /schemas/ids/{id}) and avsc decodes with
 * it directly, so a wrong schema or body would show up here.
 * Longs decode as bigint, bytes as Buffer, records as plain objects, Avro maps
 * as plain objects; logical types are not interpreted (Decimal stays bytes).
 */
import avro from 'avsc';
import { avscSafeSchema } from './avsc-names.ts';
import { exactLongOptions } from './avro-long-type.ts';

export interface DecodedAvro {
  readonly schemaId: number;
  /** Writer schema text as the registry returned it. */
  readonly schema: string;
  readonly value: unknown;
}

export interface AvroDecoderOptions {
  readonly registryUrl: string;
  /** "user:password" for basic auth; credentials in registryUrl are also honoured. */
  readonly userInfo?: string;
  readonly fetch?: typeof fetch;
}

export class AvroDecoder {
  private readonly types = new Map<number, Promise<{ type: avro.Type; schema: string }>>();
  private readonly base: string;
  private readonly auth: string | undefined;
  private readonly doFetch: typeof fetch;

  constructor(opts: AvroDecoderOptions) {
    const url = new URL(opts.registryUrl);
    const creds = opts.userInfo ?? (url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined);
    url.username = '';
    url.password = '';
    this.base = url.toString().replace(/\/+$/, '');
    this.auth = creds ? `Basic ${Buffer.from(creds).toString('base64')}` : undefined;
    this.doFetch = opts.fetch ?? fetch;
  }

  /** null (a tombstone) stays null. */
  async decode(buf: Buffer | null): Promise<DecodedAvro | null> {
    if (buf === null) return null;
    if (buf.length < 5 || buf[0] !== 0) throw new Error(`not Confluent Avro framing (magic byte ${buf[0]}, ${buf.length} bytes)`);
    const schemaId = buf.readInt32BE(1);
    const { type, schema } = await this.writerType(schemaId);
    return { schemaId, schema, value: toPlain(type.fromBuffer(buf.subarray(5))) };
  }

  private writerType(id: number): Promise<{ type: avro.Type; schema: string }> {
    let entry = this.types.get(id);
    if (!entry) {
      entry = this.fetchSchema(id).then((schema) => ({
        schema,
        type: avro.Type.forSchema(avscSafeSchema(JSON.parse(schema)) as avro.Schema, exactLongOptions()),
      }));
      entry.catch(() => this.types.delete(id));
      this.types.set(id, entry);
    }
    return entry;
  }

  private async fetchSchema(id: number): Promise<string> {
    const res = await this.doFetch(`${this.base}/schemas/ids/${id}`, {
      headers: { Accept: 'application/vnd.schemaregistry.v1+json, application/json', ...(this.auth ? { Authorization: this.auth } : {}) },
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`GET /schemas/ids/${id} answered HTTP ${res.status}: ${text.slice(0, 500)}`);
    return String((JSON.parse(text) as { schema: unknown }).schema);
  }
}

/** One-shot form: decode a single framed buffer against the registry at registryUrl. */
export async function decodeConfluentAvro(registryUrl: string, buf: Buffer | null): Promise<unknown> {
  return (await new AvroDecoder({ registryUrl }).decode(buf))?.value ?? null;
}

/** avsc returns record class instances; tests compare against plain objects. */
function toPlain(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return v;
  if (Array.isArray(v)) return v.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = toPlain(x);
  return out;
}
