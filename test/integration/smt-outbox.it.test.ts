/**
 * Issue 9 §4, the outbox pattern end to end on the real stack: services insert events into an
 * outbox table (and delete them in the same transaction, as the pattern recommends); the
 * EventRouter routes each insert to a topic per aggregate type, with the aggregate id as key,
 * the JSON payload expanded into an Avro record, the event id in header "id" and the event
 * type in a header placed by table.fields.additional.placement. Deletes, their tombstones and
 * an update of the outbox table produce nothing. Every event arrives exactly once across a
 * SIGKILL in the middle of the load, read by an independent Avro decoder.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readUntil, waitForTopics, type ReadRecord } from '../helpers/kafka-reader.ts';

const env = stackEnv();
let db: PgFixture;

before(async () => {
  if (!env) return;
  db = await PgFixture.create(env, 'outbox');
  await db.query(`CREATE TABLE outbox (id uuid PRIMARY KEY, aggregatetype text NOT NULL, aggregateid text NOT NULL, type text NOT NULL, payload jsonb);
    CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2) NOT NULL);`);
});

after(async () => { if (db) await db.drop(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sent { id: string; topic: string; key: string; type: string; payload: Record<string, unknown> }

test('outbox: EventRouter routes by aggregate type, expands the payload, puts the event id in a header, exactly once across SIGKILL', { skip: env ? false : SKIP_REASON, timeout: 600_000 }, async () => {
  const name = `outbox_${db.database.slice(-8)}`;
  const file = writeConfig({
    env: env!, name, database: db.database, connector: {
      'table.include.list': 'public.outbox',
      'key.converter': 'io.confluent.connect.avro.AvroConverter',
      'key.converter.schema.registry.url': env!.registry,
      'value.converter': 'io.confluent.connect.avro.AvroConverter',
      'value.converter.schema.registry.url': env!.registry,
      transforms: 'outbox',
      'transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
      'transforms.outbox.route.topic.replacement': `${name}.events.\${routedByValue}`,
      'transforms.outbox.table.expand.json.payload': true,
      'transforms.outbox.table.fields.additional.placement': 'type:header:eventType',
    },
  });
  const sent: Sent[] = [];
  const client = new pg.Client({ ...env!.pg, database: db.database });
  await client.connect();
  let n = 0;
  /** One business transaction: an order row plus its outbox event, the event deleted right away; every 5th an update too. */
  async function emit(): Promise<void> {
    n++;
    const customer = n % 3 === 0;
    const e: Sent = customer
      ? { id: randomUUID(), topic: `${name}.events.Customer`, key: `cust-${n}`, type: 'CustomerUpdated', payload: { customerId: n, name: `c${n}`, vip: n % 2 === 0 } }
      : { id: randomUUID(), topic: `${name}.events.Order`, key: `order-${n}`, type: 'OrderCreated', payload: { orderId: n, total: n + 0.5, lines: [{ sku: `s${n}`, qty: 2 }] } };
    const aggregate = customer ? 'Customer' : 'Order';
    let sql = `BEGIN; INSERT INTO orders VALUES (${n}, ${n}.5);
      INSERT INTO outbox VALUES ('${e.id}', '${aggregate}', '${e.key}', '${e.type}', '${JSON.stringify(e.payload)}');`;
    if (n % 5 === 0) sql += `UPDATE outbox SET type = 'Changed' WHERE id = '${e.id}';`;
    sql += `DELETE FROM outbox WHERE id = '${e.id}'; COMMIT;`;
    await client.query(sql);
    sent.push(e);
  }

  let stop = false;
  let daemon = new Daemon(file, env!).start();
  try {
    await daemon.withLog(async () => {
      await daemon.waitForLog(/replication stream started/, 180_000);
      const load = (async () => { while (!stop) await emit(); })();
      await readUntil(env!, await waitForTopics(env!, [`${name}.events.Order`], 120_000), (rs) => rs.length >= 10, 180_000);
      const before = n;
      await daemon.kill('SIGKILL');
      // The load goes on after the kill (changes the daemon never saw are read after the restart).
      for (const t0 = Date.now(); n === before && Date.now() - t0 < 60_000;) await sleep(20);
      stop = true;
      await load;
      assert.ok(n > before, 'the load was still running when the daemon was killed');
    });
    daemon = new Daemon(file, env!).start();
    await daemon.withLog(async () => {
      for (let i = 0; i < 60; i++) await emit();
      const topics = await waitForTopics(env!, [`${name}.events.Order`, `${name}.events.Customer`], 120_000);
      const records = await readUntil(env!, topics, (rs) => rs.length >= sent.length, 300_000);

      const byId = new Map<string, ReadRecord[]>();
      for (const r of records) byId.set(r.headers['id']!, [...(byId.get(r.headers['id']!) ?? []), r]);
      const dups = [...byId].filter(([, rs]) => rs.length > 1).map(([id]) => id);
      const missing = sent.filter((e) => !byId.has(e.id)).map((e) => e.id);
      assert.deepEqual({ dups, missing, extra: records.length - sent.length }, { dups: [], missing: [], extra: 0 }, 'each event exactly once; deletes, tombstones and updates give nothing');

      for (const e of sent) {
        const r = byId.get(e.id)![0]!;
        assert.equal(r.topic, e.topic);
        assert.equal(r.key, e.key);
        assert.equal(r.headers['eventType'], e.type);
        const v = r.value as Record<string, unknown>;
        if (e.topic.endsWith('.Order')) {
          assert.deepEqual({ ...v, lines: (v['lines'] as Record<string, unknown>[]).map((l) => ({ ...l })) }, e.payload);
        } else {
          assert.deepEqual({ ...v }, e.payload);
        }
      }
      // Per aggregate, events keep their commit order.
      const orderIds = records.filter((r) => r.topic.endsWith('.Order')).map((r) => r.headers['id']);
      assert.deepEqual(orderIds, sent.filter((e) => e.topic.endsWith('.Order')).map((e) => e.id));

      // The registered value schema is the expanded payload record, inferred as Debezium does; the
      // struct is optional, so AvroConverter registers the union ["null", record].
      const res = await fetch(`${env!.registry}/subjects/${name}.events.Order-value/versions/latest`);
      const schema = JSON.parse(((await res.json()) as { schema: string }).schema) as unknown[];
      assert.equal(schema[0], 'null');
      const rec = schema[1] as { type: string; name: string; fields: { name: string; type: unknown }[] };
      assert.equal(rec.name, 'payload');
      // jsonb stores keys shorter-first, so the document's (and the record's) field order is PostgreSQL's.
      const types = Object.fromEntries(rec.fields.map((f) => [f.name, f.type]));
      assert.deepEqual([types['orderId'], types['total']], [['null', 'int'], ['null', 'double']]);
      assert.deepEqual(rec.fields.map((f) => f.name), ['lines', 'total', 'orderId']);
      const line = ((types['lines'] as unknown[])[1] as { items: unknown[] }).items[1] as { name: string };
      assert.equal(line.name, 'lines', 'array items are records named by their path (payload.lines; Avro keeps the last segment as name)');
    });
  } finally {
    stop = true;
    await daemon.stop();
    await client.end();
  }
});
