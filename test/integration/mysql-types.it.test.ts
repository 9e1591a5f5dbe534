/**
 * Type round trip of every MariaDB type through the whole daemon, against the stack's MariaDB
 * 10.11, Kafka and registry: the rows of test/helpers/mysql-types-fixture.ts (edge values:
 * microseconds, unsigned maxima, DECIMAL(65,30), negative and over-24 h TIME, zero dates,
 * latin1, JSON, ENUM/SET, BIT, YEAR, NULLs) plus a row of column defaults are written while the
 * connector streams; the records are read back read_committed and decoded by the registry
 * library (an independent Avro reader) with the writer schema the registry holds, and each value
 * is compared with what the server prints for it (the fixture's PROBE, not our converters).
 * The registered Avro schemas are checked against Debezium's names and Connect metadata
 * (debezium-events.md §11/§12).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { mariadbAdmin, mariadbSkip } from '../helpers/mariadb.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readUntil, waitForTopics } from '../helpers/kafka-reader.ts';
import { decimalText, expected, TYPE_COLUMNS, TYPE_ROWS, TYPE_ROWS_SESSION, typesDdl, typesProbe } from '../helpers/mysql-types-fixture.ts';

const env = stackEnv();
const SKIP = env ? mariadbSkip() : SKIP_REASON;
const DB = `mytypes_${process.pid}`;
let admin: mysql.Connection;

before(async () => {
  if (SKIP) return;
  admin = await mariadbAdmin();
  await admin.query(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB}; ${typesDdl(DB)}`);
});

after(async () => {
  if (!admin) return;
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`).catch(() => undefined);
  await admin.end().catch(() => undefined);
});

type AvroType = string | AvroNamed | (string | AvroNamed)[];
interface AvroNamed { type: AvroType; name?: string; namespace?: string; fields?: AvroField[]; [k: string]: unknown }
interface AvroField { name: string; type: AvroType; default?: unknown }

async function latestSchema(subject: string): Promise<AvroNamed> {
  const res = await fetch(`${env!.registry}/subjects/${encodeURIComponent(subject)}/versions/latest`);
  assert.equal(res.status, 200, `subject ${subject} registered`);
  return JSON.parse(((await res.json()) as { schema: string }).schema) as AvroNamed;
}

/** The non-null branch of an optional field's union, or the type itself. */
function nonNull(t: AvroType): AvroNamed | string {
  if (Array.isArray(t)) return t.find((x) => x !== 'null')!;
  return t as AvroNamed | string;
}

const field = (rec: AvroNamed, name: string): AvroField => {
  const f = rec.fields!.find((x) => x.name === name);
  assert.ok(f, `field ${name} in ${rec.name}`);
  return f;
};

test('every type through the daemon: Avro values decoded by the registry library equal what the server holds; schemas carry Debezium\'s names', { skip: SKIP, timeout: 180_000 }, async () => {
  const name = `myty_${process.pid}`;
  const daemon = new Daemon(writeConfig({
    env: env!, name, database: DB, source: 'mariadb',
    connector: { 'snapshot.mode': 'no_data' },
  }), env!).start();
  try {
    await daemon.withLog(async () => {
      await daemon.waitForStreaming();
      await admin.query(`${TYPE_ROWS_SESSION}; INSERT INTO ${DB}.types VALUES ${TYPE_ROWS.join(',')}; INSERT INTO ${DB}.types (id) VALUES (4)`);
      const [probe] = await admin.query(typesProbe(DB)) as unknown as [Record<string, unknown>[]];
      const topic = `${name}.${DB}.types`;
      await waitForTopics(env!, [topic]);
      const records = await readUntil(env!, [topic], (rs) => rs.length >= probe.length, 90_000);
      assert.equal(records.length, probe.length, 'one record per row');

      const envelope = await latestSchema(`${topic}-value`);
      // before holds the Value record in full; after refers to it by name (§12).
      const valueRec = nonNull(field(envelope, 'before').type) as AvroNamed;
      assert.deepEqual(field(envelope, 'after').type, ['null', 'Value']);
      const scaleOf = (col: string): number | undefined => {
        const t = nonNull(field(valueRec, col).type);
        return typeof t === 'object' && t.logicalType === 'decimal' ? Number(t.scale) : undefined;
      };

      // Values: compared column by column with the server's own print of the row.
      for (const [i, p] of probe.entries()) {
        const v = records[i]!.value as { op: string; after: Record<string, unknown> };
        assert.equal(v.op, 'c');
        assert.equal(v.after.id, Number(p.id), 'rows in commit order');
        assert.deepEqual(records[i]!.key, { id: Number(p.id) });
        for (const col of TYPE_COLUMNS) {
          const raw = v.after[col];
          const scale = scaleOf(col);
          const got = Buffer.isBuffer(raw) && scale !== undefined ? decimalText(raw, scale) : raw;
          assert.deepEqual(got, expected(col, p), `row ${String(p.id)} column ${col}: Avro value ${String(raw)}`);
        }
      }

      // Schemas: Debezium's names and Connect metadata as AvroConverter writes them (§11, §12).
      assert.equal(envelope.name, 'Envelope');
      assert.equal(envelope.namespace, topic);
      assert.equal(envelope['connect.name'], `${topic}.Envelope`);
      assert.equal(valueRec['connect.name'], `${topic}.Value`);
      const source = field(envelope, 'source').type as AvroNamed;
      assert.equal(source['connect.name'], 'io.debezium.connector.mariadb.Source');
      assert.deepEqual(source.fields!.map((f) => f.name), ['version', 'connector', 'name', 'ts_ms', 'snapshot', 'db', 'sequence', 'ts_us', 'ts_ns',
        'table', 'server_id', 'gtid', 'file', 'pos', 'row', 'thread', 'query']);
      const snapshot = field(source, 'snapshot');
      assert.equal(snapshot.default, 'false');
      assert.equal((nonNull(snapshot.type) as AvroNamed)['connect.default'], 'false');
      const key = await latestSchema(`${topic}-key`);
      assert.equal(key['connect.name'], `${topic}.Key`);
      assert.deepEqual(key.fields!.map((f) => [f.name, f.type]), [['id', 'int']]);

      const named = (col: string) => nonNull(field(valueRec, col).type) as AvroNamed;
      const expectNamed: [string, string, string, Record<string, string> | undefined][] = [
        ['e', 'string', 'io.debezium.data.Enum', { allowed: 'a,b,c,d' }],
        ['st', 'string', 'io.debezium.data.EnumSet', { allowed: 'x,y,z' }],
        ['bit10', 'bytes', 'io.debezium.data.Bits', { length: '10' }],
        ['y', 'int', 'io.debezium.time.Year', undefined],
        ['dt', 'int', 'io.debezium.time.Date', undefined],
        ['dtm0', 'long', 'io.debezium.time.Timestamp', undefined],
        ['dtm3', 'long', 'io.debezium.time.Timestamp', undefined],
        ['dtm6', 'long', 'io.debezium.time.MicroTimestamp', undefined],
        ['ts0', 'string', 'io.debezium.time.ZonedTimestamp', undefined],
        ['ts6', 'string', 'io.debezium.time.ZonedTimestamp', undefined],
        ['tm0', 'long', 'io.debezium.time.MicroTime', undefined],
        ['tm6', 'long', 'io.debezium.time.MicroTime', undefined],
        ['js', 'string', 'io.debezium.data.Json', undefined],
      ];
      for (const [col, type, connectName, params] of expectNamed) {
        const t = named(col);
        assert.equal(t.type, type, `${col}: Avro type`);
        assert.equal(t['connect.name'], connectName, `${col}: connect.name`);
        assert.equal(t['connect.version'], 1, `${col}: connect.version`);
        assert.deepEqual(t['connect.parameters'], params, `${col}: connect.parameters`);
        assert.equal(t.logicalType, undefined, `${col}: Debezium's semantic types get no Avro logical type`);
      }
      const d652 = named('d652');
      assert.deepEqual({ ...d652 }, {
        type: 'bytes', scale: 30, precision: 65, 'connect.version': 1,
        'connect.parameters': { scale: '30', 'connect.decimal.precision': '65' },
        'connect.name': 'org.apache.kafka.connect.data.Decimal', logicalType: 'decimal',
      });
      // Plain Connect types: INT16 as int + connect.type, unsigned widening (§11).
      for (const [col, type, connectType] of [['b1', 'int', 'int16'], ['ti', 'int', 'int16'], ['tiu', 'int', 'int16'], ['si', 'int', 'int16'],
        ['siu', 'int', undefined], ['mi', 'int', undefined], ['miu', 'int', undefined], ['i', 'int', undefined], ['iu', 'long', undefined],
        ['bi', 'long', undefined], ['biu', 'long', undefined], ['f', 'float', undefined], ['db', 'double', undefined], ['bit1', 'boolean', undefined],
        ['c', 'string', undefined], ['lat', 'string', undefined], ['bn', 'bytes', undefined], ['bl', 'bytes', undefined]] as const) {
        const t = nonNull(field(valueRec, col).type);
        if (connectType === undefined) assert.equal(t, type, `${col}: plain ${type}`);
        else assert.deepEqual(t, { type, 'connect.type': connectType }, `${col}: ${type} with connect.type ${connectType}`);
        assert.deepEqual((field(valueRec, col).type as unknown[])[0], 'null', `${col}: nullable, so optional (null first, default null)`);
        assert.equal(field(valueRec, col).default, null);
      }
      // NOT NULL columns with defaults: the Connect default in connect.default and the Avro field default (§12).
      const d52 = field(valueRec, 'd52');
      const d52Type = d52.type as AvroNamed;
      assert.equal(d52Type['connect.name'], 'org.apache.kafka.connect.data.Decimal');
      assert.equal(typeof d52.default, 'string', 'a bytes default is written as a string of byte values');
      assert.equal(decimalText(Buffer.from(d52.default as string, 'latin1'), 2), '1.50');
      assert.equal(decimalText(Buffer.from(d52Type['connect.default'] as string, 'latin1'), 2), '1.50');
      const zd = field(valueRec, 'zd');
      assert.equal(zd.default, 10957, 'DATE DEFAULT 2000-01-01 as days');
      assert.deepEqual({ ...(zd.type as AvroNamed) }, { type: 'int', 'connect.version': 1, 'connect.default': 10957, 'connect.name': 'io.debezium.time.Date' });
      const id = field(valueRec, 'id');
      assert.equal(id.type, 'int', 'the key column: not optional, no default');
      console.log(`# mysql types: ${records.length} rows x ${TYPE_COLUMNS.length} columns equal the server's values; schema ids ${records[0]!.valueSchemaId}`);
    });
  } finally {
    await daemon.stop();
  }
});
