/**
 * The bench's downstream consumer: reads the data topic read_committed, the way
 * a real consumer sees it, and for every event keeps (row id, source commit
 * time, time it became visible here). "Visible" is the wall clock when kafkajs
 * hands over the fetched batch; all events of one fetch share that time.
 *
 * Decoding is a projection, not a full decode: the writer schema comes from the
 * registry, and an avsc resolver to a reader schema holding only after.id and
 * source.ts_ms skips every other field, so the reader spends little of the
 * 2-core machine's CPU that the daemon needs. A schema whose shape is not the
 * Debezium envelope is an error, not a silent zero.
 */
import avro from 'avsc';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { percentiles } from './latency-stats.ts';

type Resolver = ReturnType<avro.Type['createResolver']>;
interface AvroNamed { type: string; name?: string; namespace?: string; fields?: { name: string; type: unknown }[] }

export interface VisibleEvents {
  readonly count: number;
  readonly duplicates: number;
  /** key + value bytes of the distinct events, as stored in Kafka (Confluent framing included) */
  readonly bytes: number;
  /** row id of event i */
  readonly ids: Float64Array;
  /** source.ts_ms of event i */
  readonly commitMs: Float64Array;
  /** when event i was received */
  readonly visibleMs: Float64Array;
}

/** What the reader needs of a change event: the row id and the source commit time. */
interface BenchEvent { readonly after: { readonly id: number } | null; readonly source: { readonly ts_ms: number } }

/** A JsonConverter value: `{"schema":...,"payload":{...}}` with schemas.enable=true, the payload alone without. */
export function jsonEvent(buf: Buffer): BenchEvent {
  const v = JSON.parse(buf.toString('utf8')) as Record<string, unknown>;
  const e = (v && typeof v === 'object' && 'payload' in v && 'schema' in v ? v.payload : v) as BenchEvent | null;
  if (!e || typeof e !== 'object' || !e.source) throw new Error(`not a JSON change event: ${buf.toString('utf8', 0, 120)}`);
  return e;
}

export class VisibleReader {
  private consumer: Consumer | null = null;
  private readonly resolvers = new Map<number, Promise<{ reader: avro.Type; resolver: Resolver }>>();
  private ids: Float64Array;
  private commitMs: Float64Array;
  private visibleMs: Float64Array;
  private seen: Uint8Array;
  private n = 0;
  private dups = 0;
  private bytes = 0;
  private failure: unknown = null;

  /** format: Confluent-framed Avro (the default) or Connect's JSON, with or without the schema envelope */
  constructor(private readonly deps: { brokers: string; registryUrl: string; topic: string; expected: number; format?: 'avro' | 'json' }) {
    const cap = deps.expected + 1024;
    this.ids = new Float64Array(cap);
    this.commitMs = new Float64Array(cap);
    this.visibleMs = new Float64Array(cap);
    this.seen = new Uint8Array(cap);
  }

  get count(): number {
    return this.n;
  }

  async start(): Promise<void> {
    const kafka = new Kafka({ clientId: 'cdc-bench-reader', brokers: this.deps.brokers.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({
      groupId: `cdc-bench-${randomUUID()}`, readUncommitted: false,
      maxWaitTimeInMs: 100, minBytes: 1, maxBytes: 64 << 20, maxBytesPerPartition: 16 << 20,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [this.deps.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        try {
          for (const m of batch.messages) {
            if (m.value === null) continue; // tombstone: none expected for inserts
            if (await this.record(m.value, now)) this.bytes += m.value.length + (m.key?.length ?? 0);
          }
        } catch (err) {
          this.failure ??= err;
        }
      },
    });
  }

  /** false for a duplicate */
  private async record(buf: Buffer, now: number): Promise<boolean> {
    const v = this.deps.format === 'json' ? jsonEvent(buf) : await this.avroEvent(buf);
    if (!v.after) throw new Error('event without "after": the bench only inserts');
    const id = v.after.id;
    if (id >= this.seen.length) this.grow(id + 1024);
    if (this.seen[id]) { this.dups++; return false; }
    this.seen[id] = 1;
    if (this.n >= this.ids.length) this.grow(this.ids.length * 2);
    this.ids[this.n] = id;
    this.commitMs[this.n] = v.source.ts_ms;
    this.visibleMs[this.n] = now;
    this.n++;
    return true;
  }

  private async avroEvent(buf: Buffer): Promise<BenchEvent> {
    if (buf.length < 5 || buf[0] !== 0) throw new Error(`not Confluent Avro framing (${buf.length} bytes, magic ${buf[0]})`);
    const { reader, resolver } = await this.resolverFor(buf.readInt32BE(1));
    return reader.decode(buf, 5, resolver).value as BenchEvent;
  }

  private grow(cap: number): void {
    const g = <A extends Float64Array | Uint8Array>(a: A, make: (n: number) => A): A => { const b = make(Math.max(cap, a.length)); b.set(a); return b; };
    this.ids = g(this.ids, (n) => new Float64Array(n));
    this.commitMs = g(this.commitMs, (n) => new Float64Array(n));
    this.visibleMs = g(this.visibleMs, (n) => new Float64Array(n));
    this.seen = g(this.seen, (n) => new Uint8Array(n));
  }

  private resolverFor(id: number): Promise<{ reader: avro.Type; resolver: Resolver }> {
    let r = this.resolvers.get(id);
    if (!r) {
      r = this.fetchSchema(id).then((text) => {
        const schema = JSON.parse(text) as AvroNamed;
        const writer = avro.Type.forSchema(schema as avro.Schema, { wrapUnions: false });
        const reader = avro.Type.forSchema(projection(schema) as avro.Schema, { wrapUnions: false });
        return { reader, resolver: reader.createResolver(writer) };
      });
      this.resolvers.set(id, r);
    }
    return r;
  }

  private async fetchSchema(id: number): Promise<string> {
    const res = await fetch(`${this.deps.registryUrl.replace(/\/+$/, '')}/schemas/ids/${id}`);
    const text = await res.text();
    if (!res.ok) throw new Error(`registry GET /schemas/ids/${id}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return String((JSON.parse(text) as { schema: unknown }).schema);
  }

  /** Resolves when `count` distinct events were seen; rejects on a decode failure or after timeoutMs. */
  async waitFor(count: number, timeoutMs: number, onTick?: () => void): Promise<boolean> {
    const t0 = Date.now();
    while (this.n < count) {
      if (this.failure) throw this.failure;
      if (Date.now() - t0 > timeoutMs) return false;
      onTick?.();
      await new Promise((r) => setTimeout(r, 100));
    }
    return true;
  }

  events(): VisibleEvents {
    return {
      count: this.n, duplicates: this.dups, bytes: this.bytes,
      ids: this.ids.subarray(0, this.n), commitMs: this.commitMs.subarray(0, this.n), visibleMs: this.visibleMs.subarray(0, this.n),
    };
  }

  async stop(): Promise<void> {
    const c = this.consumer;
    this.consumer = null;
    await c?.disconnect().catch(() => undefined);
  }
}

function fullName(t: AvroNamed, enclosingNs: string | undefined): string {
  const name = t.name!;
  if (name.includes('.')) return name;
  const ns = t.namespace ?? enclosingNs;
  return ns ? `${ns}.${name}` : name;
}

function namespaceOf(full: string): string | undefined {
  const i = full.lastIndexOf('.');
  return i < 0 ? undefined : full.slice(0, i);
}

/** The Debezium envelope reduced to after.id and source.ts_ms, with the writer's record names. */
export function projection(envelope: AvroNamed): AvroNamed {
  if (envelope.type !== 'record' || !envelope.fields) throw new Error('value schema is not an Avro record');
  const envName = fullName(envelope, undefined);
  const ns = namespaceOf(envName);
  const field = (n: string) => {
    const f = envelope.fields!.find((x) => x.name === n);
    if (!f) throw new Error(`value schema ${envName} has no field "${n}": not a Debezium envelope`);
    return f;
  };
  // "before" declares the row record; "after" refers to it by name.
  const beforeUnion = field('before').type as unknown[];
  const row = beforeUnion.find((t): t is AvroNamed => typeof t === 'object' && t !== null && (t as AvroNamed).type === 'record');
  if (!row) throw new Error(`field "before" of ${envName} has no record branch`);
  const source = field('source').type as AvroNamed;
  if (typeof source !== 'object' || source.type !== 'record') throw new Error(`field "source" of ${envName} is not a record`);
  return {
    type: 'record', name: envName,
    fields: [
      { name: 'after', type: ['null', { type: 'record', name: fullName(row, ns), fields: [{ name: 'id', type: 'long' }] }] },
      { name: 'source', type: { type: 'record', name: fullName(source, ns), fields: [{ name: 'ts_ms', type: 'long' }] } },
    ],
  };
}

/** Figures over the rows with ids in (afterId, upToId]: how many became visible, over what span, at what latency. */
/** `fromMs`: count the span from then when later than the first commit (a catch-up's resume). */
export function visibleFigures(ev: VisibleEvents, afterId = 1, upToId = Infinity, fromMs = -Infinity): {
  visibleEvents: number; spanSeconds: number; eventsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
} {
  const latency: number[] = [];
  let firstCommit = Infinity, lastVisible = -Infinity;
  for (let i = 0; i < ev.count; i++) {
    if (ev.ids[i]! <= afterId || ev.ids[i]! > upToId) continue;
    firstCommit = Math.min(firstCommit, ev.commitMs[i]!);
    lastVisible = Math.max(lastVisible, ev.visibleMs[i]!);
    latency.push(ev.visibleMs[i]! - ev.commitMs[i]!);
  }
  const spanSeconds = (lastVisible - Math.max(firstCommit, fromMs)) / 1000;
  const [p50, p95, p99, max] = percentiles(latency, [50, 95, 99, 100]);
  return { visibleEvents: latency.length, spanSeconds, eventsPerSecond: latency.length / spanSeconds, latencyMs: { p50: p50!, p95: p95!, p99: p99!, max: max! } };
}
