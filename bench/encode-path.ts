/**
 * The daemon's per-event CPU path without any I/O, for bench/encode-micro.ts and its test:
 * pgoutput messages (as pg-logical-replication hands them over) -> ChangeDecoder ->
 * changeRecords -> AvroConverter (key and value, against the in-memory registry). The table is
 * bench_events (bench-table.ts) and the rows are drawn like row-loader.ts draws them, with the
 * text PostgreSQL's output functions print for them, so the per-column conversions are the
 * end-to-end bench's. The clock is fixed, so the same seed gives the same bytes: a digest of
 * every key and value proves that an optimisation left the events unchanged.
 */
import { createHash } from 'node:crypto';
import type { Pgoutput } from 'pg-logical-replication';
import type { Clock, Op } from '../src/events/envelope.ts';
import type { SourceRecord } from '../src/events/record.ts';
import { AvroConverter } from '../src/serde/avro-converter.ts';
import { parseAvroConverterConfig } from '../src/serde/avro-converter-config.ts';
import { JsonConverter, parseJsonConverterConfig } from '../src/serde/json-converter.ts';
import type { Converter } from '../src/serde/converter.ts';
import { FakeSchemaRegistry } from '../test/doubles/fake-schema-registry.ts';
import { SchemaRegistryClient } from '../src/serde/schema-registry-client.ts';
import type { PgColumn, PgTable } from '../sources/postgres/catalog.ts';
import { ChangeDecoder } from '../sources/postgres/change-decoder.ts';
import { pgPartition } from '../sources/postgres/offsets.ts';
import { buildTableModel } from '../sources/postgres/table-model.ts';
import { DEFAULT_PG_TYPE_OPTIONS } from '../sources/postgres/types.ts';
import { BENCH_SCHEMA, BENCH_TABLE_NAME } from './bench-table.ts';
import { seededRandom } from './row-loader.ts';

const OID = 16_500;
const REGISTRY_URL = 'http://registry.invalid:8081';
/** A fixed processing clock: 2026-11-21T06:50:40.123456789Z. */
export const FIXED_NOW_NS = 1_795_244_640_123_456_789n;

function col(c: Pick<PgColumn, 'name' | 'position' | 'typeOid' | 'typeMod' | 'typeName' | 'baseTypeName' | 'nullable'> & Partial<PgColumn>): PgColumn {
  return { typtype: 'b', defaultExpr: null, comment: null, isKey: false, ...c };
}

/** bench_events as catalog.ts describes it (bench-table.ts's DDL). */
export const BENCH_PG_TABLE: PgTable = {
  schema: BENCH_SCHEMA, name: BENCH_TABLE_NAME, oid: OID, replicaIdentity: 'd', comment: null, keyColumns: ['id'],
  columns: [
    col({ name: 'id', position: 1, typeOid: 20, typeMod: -1, typeName: 'bigint', baseTypeName: 'int8', nullable: false, isKey: true }),
    col({ name: 'account_id', position: 2, typeOid: 23, typeMod: -1, typeName: 'integer', baseTypeName: 'int4', nullable: false }),
    col({ name: 'quantity', position: 3, typeOid: 23, typeMod: -1, typeName: 'integer', baseTypeName: 'int4', nullable: false }),
    col({ name: 'status', position: 4, typeOid: 25, typeMod: -1, typeName: 'text', baseTypeName: 'text', nullable: false }),
    col({ name: 'note', position: 5, typeOid: 25, typeMod: -1, typeName: 'text', baseTypeName: 'text', nullable: true }),
    col({ name: 'amount', position: 6, typeOid: 1700, typeMod: (12 << 16) + 2 + 4, typeName: 'numeric(12,2)', baseTypeName: 'numeric', nullable: false }),
    col({ name: 'created_at', position: 7, typeOid: 1184, typeMod: -1, typeName: 'timestamp with time zone', baseTypeName: 'timestamptz', nullable: false, defaultExpr: 'now()' }),
    col({ name: 'updated_at', position: 8, typeOid: 1184, typeMod: -1, typeName: 'timestamp with time zone', baseTypeName: 'timestamptz', nullable: true }),
  ],
};

const STATUSES = ['new', 'paid', 'shipped', 'delivered', 'returned', 'cancelled'];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];

/** timestamptz output (DateStyle ISO, TimeZone UTC): fraction trimmed, "+00". */
function pgTimestamptz(epochMicros: number): string {
  const iso = new Date(Math.floor(epochMicros / 1000)).toISOString(); // 2026-11-21T06:50:40.123Z
  const us = String(epochMicros % 1_000_000).padStart(6, '0').replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${us ? `.${us}` : ''}+00`;
}

export interface EncodePathOptions {
  readonly rows: number;
  readonly seed?: number;
  /** rows per source transaction (fixed, so the message stream is simple to replay) */
  readonly txnRows?: number;
}

/** The pgoutput messages of `rows` inserts into bench_events, with their LSNs. */
export function benchMessages(o: EncodePathOptions): Array<[bigint, Pgoutput.Message]> {
  const random = seededRandom(o.seed ?? 1);
  const txnRows = o.txnRows ?? 500;
  const relation: Pgoutput.MessageRelation = {
    tag: 'relation', relationOid: OID, schema: BENCH_SCHEMA, name: BENCH_TABLE_NAME, replicaIdentity: 'default',
    columns: [], keyColumns: ['id'],
  };
  const out: Array<[bigint, Pgoutput.Message]> = [];
  let lsn = 0x3000000n;
  let commitUs = 1_795_244_600_000_000;
  for (let id = 1; id <= o.rows;) {
    const commitLsn = lsn + BigInt(txnRows * 200 + 100);
    const commitTime = BigInt(commitUs);
    const lsnText = `${(commitLsn >> 32n).toString(16).toUpperCase()}/${(commitLsn & 0xffffffffn).toString(16).toUpperCase()}`;
    out.push([lsn, { tag: 'begin', commitLsn: lsnText, commitTime, xid: 700 + id }]);
    for (let i = 0; i < txnRows && id <= o.rows; i++, id++) {
      lsn += 200n;
      const words = 2 + Math.floor(random() * 8);
      const text = Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
      const row: Record<string, string | null> = {
        id: String(id),
        account_id: String(1 + Math.floor(random() * 100_000)),
        quantity: String(1 + Math.floor(random() * 50)),
        status: STATUSES[Math.floor(random() * STATUSES.length)]!,
        note: random() < 0.1 ? null : text,
        amount: (random() * 10_000).toFixed(2),
        created_at: pgTimestamptz(commitUs - 1000 + i),
        updated_at: random() < 0.5 ? null : pgTimestamptz(commitUs - Math.floor(random() * 86_400_000_000)),
      };
      out.push([lsn, { tag: 'insert', relation, new: row }]);
    }
    out.push([commitLsn, { tag: 'commit', flags: 0, commitLsn: lsnText, commitEndLsn: lsnText, commitTime }]);
    lsn = commitLsn + 100n;
    commitUs += 2_000;
  }
  return out;
}

type Sink = (key: Buffer | null, value: Buffer | null) => void;

export interface EncodePath {
  /** Decodes and converts every message, record by record as the daemon does; returns the number of events. */
  run(messages: ReadonlyArray<[bigint, Pgoutput.Message]>, sink?: Sink): Promise<number>;
  /** Only the decoding half: the records of every message. */
  decode(messages: ReadonlyArray<[bigint, Pgoutput.Message]>): Promise<SourceRecord[]>;
  /** Only the converting half. */
  convert(records: readonly SourceRecord[], sink?: Sink): Promise<number>;
}

/** json: Connect's JsonConverter defaults (schemas.enable=true); json-noschema: schemas.enable=false. */
export type EncodeConverter = 'avro' | 'json' | 'json-noschema';

/** A fresh decoder and converters (one schema registration each, on first use). */
export function encodePath(opts: { txMetadata?: boolean; converter?: EncodeConverter } = {}): EncodePath {
  const model = buildTableModel(BENCH_PG_TABLE, { topicPrefix: 'bench', types: DEFAULT_PG_TYPE_OPTIONS, columnFilter: () => true });
  const clock: Clock = { nowMs: () => Number(FIXED_NOW_NS / 1_000_000n), nowNs: () => FIXED_NOW_NS };
  const decoder = new ChangeDecoder({
    serverName: 'bench', db: 'cdcbench', partition: pgPartition('bench'),
    events: { tombstonesOnDelete: true, skippedOperations: new Set<Op>(), clock },
    txMetadata: opts.txMetadata ?? false, txTopic: 'bench.transaction',
  }, { onRelation: async () => model, byOid: (oid) => (oid === model.oid ? model : undefined) }, null, 0n);
  const fake = new FakeSchemaRegistry();
  const registry = new SchemaRegistryClient({ urls: [REGISTRY_URL], fetch: fake.fetch });
  const config = parseAvroConverterConfig({ 'schema.registry.url': REGISTRY_URL });
  const log = { info: () => {}, warn: () => {}, error: () => {} };
  // JsonConverter as Connect configures it by default (schemas.enable=true) or with schemas.enable=false, or Avro against the in-memory registry.
  const json = parseJsonConverterConfig({ 'schemas.enable': opts.converter === 'json-noschema' ? 'false' : 'true' });
  const isJson = opts.converter === 'json' || opts.converter === 'json-noschema';
  const keys: Converter = isJson ? new JsonConverter({ config: json }) : new AvroConverter({ registry, log, config });
  const values: Converter = isJson ? new JsonConverter({ config: json }) : new AvroConverter({ registry, log, config });
  // As TaskRunner.convert does it.
  const convert = async (r: SourceRecord, sink: Sink | undefined): Promise<void> => {
    const key = r.key === null || r.key === undefined ? null : await keys.fromConnectData(r.topic, true, r.keySchema, r.key);
    const value = r.value === null || r.value === undefined ? null : await values.fromConnectData(r.topic, false, r.valueSchema, r.value);
    sink?.(key, value);
  };
  return {
    async run(messages, sink) {
      let events = 0;
      for (const [lsn, msg] of messages) {
        const unit = await decoder.handle(lsn, msg);
        if (!unit) continue;
        for (const r of unit.records) {
          await convert(r, sink);
          events++;
        }
      }
      return events;
    },
    async decode(messages) {
      const out: SourceRecord[] = [];
      for (const [lsn, msg] of messages) {
        const unit = await decoder.handle(lsn, msg);
        if (unit) for (const r of unit.records) out.push(r);
      }
      return out;
    },
    async convert(records, sink) {
      for (const r of records) await convert(r, sink);
      return records.length;
    },
  };
}

/** sha256 over every key and value (length-prefixed) of one run. */
export async function encodeDigest(messages: ReadonlyArray<[bigint, Pgoutput.Message]>, opts: { txMetadata?: boolean } = {}): Promise<{ events: number; digest: string }> {
  const hash = createHash('sha256');
  const len = Buffer.alloc(4);
  const put = (b: Buffer | null) => {
    len.writeInt32BE(b === null ? -1 : b.length);
    hash.update(len);
    if (b) hash.update(b);
  };
  const events = await encodePath(opts).run(messages, (k, v) => { put(k); put(v); });
  return { events, digest: hash.digest('hex') };
}
