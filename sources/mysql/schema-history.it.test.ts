/**
 * The schema history against the stack's real MariaDB 10.11: DDL statements as the server writes
 * them to its binlog (read by the binlog reader) are parsed, the definitions read from
 * information_schema right after each are recorded with the offset after the DDL, and replaying
 * the history to each offset gives back the definitions of that time, defaults, the MariaDB JSON
 * marker and key columns included. Works in its own database.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import type { JsonMap } from '../../src/events/record.ts';
import { InMemoryInternalTopics } from '../../test/doubles/in-memory-internal-topics.ts';
import { mariadbAdmin, mariadbOptions, mariadbSkip } from '../../test/helpers/mariadb.ts';
import { BinlogReader } from './binlog-reader.ts';
import type { BinlogEvent } from './binlog-events.ts';
import { parseDdl, type TableName } from './ddl-parse.ts';
import { handleDdl } from './ddl-handler.ts';
import type { MySqlSourceFacts } from './event-model.ts';
import { S } from '../../src/events/schema.ts';
import { encodeMySqlPosition, positionAfter } from './offsets.ts';
import { encodeHistoryRecord, historyTopicSpec, HistoryReplay } from './schema-history.ts';
import { randomUUID } from 'node:crypto';
import { kafkaFor } from '../../test/helpers/kafka-reader.ts';
import { stackEnv, SKIP_REASON as KAFKA_SKIP } from '../../test/helpers/stack-env.ts';
import { TopicManager } from '../../src/kafka/topics.ts';
import { KafkaInternalTopics } from '../../src/runtime/internal-topics.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { readTableOptions } from './table-changes.ts';
import { readTableSchema, sqlRunner, type MySqlTable } from './table-schema.ts';

const SKIP = mariadbSkip();
const kafkaEnv = stackEnv();
const DB = `cdc_history_it_${process.pid}`;
const TOPIC = 'schema-history.it';
const facts: MySqlSourceFacts = {
  serverName: 'it', db: '', table: null, tsMs: 0, snapshot: 'false', serverId: 1, gtid: null, file: '', pos: 0, row: 0, thread: null, query: null,
};

describe('schema history (MariaDB)', { skip: SKIP }, () => {
  let admin: mysql.Connection;
  before(async () => {
    admin = await mariadbAdmin();
    await admin.query(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB}`);
  });
  after(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS ${DB}`);
    await admin?.end();
  });

  test('real DDL: parsed from the binlog, recorded with the definitions after it, replayed to each offset', async () => {
    const run = sqlRunner(admin);
    const gtids = String(((await admin.query('SELECT @@gtid_binlog_pos AS p'))[0] as { p: string }[])[0]!.p);
    const reader = new BinlogReader({
      connection: mariadbOptions(), serverId: 7600 + (process.pid % 300), start: { gtids }, heartbeatIntervalMs: 1000,
      includeSchema: { [DB]: true }, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
    });
    const topics = new InMemoryInternalTopics();
    const topic = await topics.declare(historyTopicSpec(TOPIC));
    const statements = [
      `CREATE TABLE ${DB}.orders (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, note VARCHAR(20) DEFAULT 'it''s', doc JSON, at DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6)) COMMENT 'the orders'`,
      `/* migration 2 */ ALTER TABLE ${DB}.orders ADD COLUMN extra INT NOT NULL DEFAULT 7, MODIFY note VARCHAR(40) NOT NULL`,
      `RENAME TABLE ${DB}.orders TO ${DB}.orders2`,
      `CREATE INDEX ix_note ON ${DB}.orders2 (note)`,
      `DROP TABLE ${DB}.orders2`,
    ];
    /** [offset after the DDL, definitions of the captured tables right after it] */
    const states: Array<[JsonMap, Map<string, MySqlTable>]> = [];
    const known = new Map<string, MySqlTable>();
    await reader.start();
    try {
      for (const sql of statements) {
        await admin.query(sql);
        let ev: BinlogEvent | null;
        const ac = new AbortController();
        const timer = setTimeout(() => ac.abort(), 30_000);
        try {
          do ev = await reader.next(ac.signal); while (ev !== null && ev.type !== 'ddl');
        } finally {
          clearTimeout(timer);
        }
        assert.ok(ev && ev.type === 'ddl', `the DDL event of ${sql}`);
        const position = encodeMySqlPosition(positionAfter(ev, 1));
        const out = await handleDdl(ev, position, facts, Date.now(), {
          server: 'it', flavour: 'mariadb', includeSchemaChanges: true,
          history: { topic: TOPIC, skipUnparseableDdl: false, storeOnlyCapturedTables: false, storeOnlyCapturedDatabases: false },
          filter: { database: (d) => d === DB, table: (t) => t.db === DB },
          readTable: async (t) => {
            const table = await readTableSchema(run, t.db, t.table, 'mariadb');
            return table ? { table, options: await readTableOptions(run, t.db, t.table) } : null;
          },
          before: (t) => known.get(`${t.db}.${t.table}`) ?? null,
          databaseCharset: async () => 'utf8mb4',
          tablesOfDb: (d) => [...known.keys()].filter((k) => k.startsWith(`${d}.`)).map((k) => ({ db: d, table: k.slice(d.length + 1) })),
          sourceBlock: (f) => ({ schema: S.struct('io.debezium.connector.mariadb.Source', [S.field('db', S.string())], { version: 1 }), value: { db: f.db } }),
        }, `binlog ${ev.file}:${ev.pos}`);
        assert.equal(out.parse.kind, 'changes', `${ev.query} -> ${JSON.stringify(out.parse)}`);
        assert.deepEqual([out.internalRecords.length, out.schemaChanges.length], [1, 1], ev.query);
        assert.deepEqual(out.schemaChanges[0]!.key, { databaseName: DB });
        topics.commit(out.internalRecords);
        for (const [k, t] of out.tables) {
          if (t === null) known.delete(k);
          else known.set(k, t);
        }
        states.push([position, new Map(known)]);
      }
    } finally {
      await reader.stop();
    }
    const created = states[0]![1].get(`${DB}.orders`)!;
    const by = (t: MySqlTable, n: string) => t.columns.find((c) => c.name === n)!;
    assert.deepEqual([by(created, 'doc').dataType, by(created, 'note').defaultValue, by(created, 'at').defaultIsExpression, created.primaryKey], ['json', "it's", true, ['id']]);
    const value = JSON.parse(String(topics.committed.get(TOPIC)![0]!.value));
    assert.equal(value.tableChanges[0].comment, 'the orders');
    assert.equal(value.tableChanges[0].table.defaultCharsetName !== null, true);

    for (const [i, [position, want]] of states.entries()) {
      const replay = new HistoryReplay('it', position);
      await topic.readAll((r) => replay.apply(r.value, `${TOPIC}@${r.offset}`));
      assert.equal(replay.counts.applied, i + 1, `records applied at offset ${i}`);
      assert.deepEqual(new Map([...replay.tables].filter(([k]) => k.startsWith(`${DB}.`))), want, `definitions after statement ${i + 1}: ${statements[i]}`);
    }
    // before the ALTER, the row events of that time decode with the created definition: no `extra`, note VARCHAR(20) NULL
    const beforeAlter = new HistoryReplay('it', states[0]![0]);
    await topic.readAll((r) => beforeAlter.apply(r.value, 'h'));
    const t = beforeAlter.table(DB, 'orders')!;
    assert.deepEqual([t.columns.length, by(t, 'note').columnType, by(t, 'note').nullable], [4, 'varchar(20)', true]);
  });

  test('DDL as MariaDB writes it to the binlog: every statement is read, none guessed', async () => {
    const user = `cdc_hist_${process.pid}`;
    const marker = `${DB}_end`;
    const statements: Array<[string, string]> = [
      [`CREATE TABLE ${DB}.a (id INT PRIMARY KEY, v VARCHAR(5))`, `create ${DB}.a`],
      [`CREATE TABLE ${DB}.b LIKE ${DB}.a`, `create ${DB}.b like ${DB}.a`],
      [`CREATE OR REPLACE TABLE ${DB}.c (id INT) /*M!100100 COMMENT 'x' */`, `create ${DB}.c`],
      [`ALTER TABLE ${DB}.c RENAME TO ${DB}.c2, ADD COLUMN w INT`, `rename ${DB}.c>${DB}.c2`],
      [`ALTER TABLE ${DB}.a RENAME COLUMN v TO v2`, `alter ${DB}.a`],
      [`TRUNCATE TABLE ${DB}.a`, `truncate ${DB}.a`],
      [`CREATE INDEX iv ON ${DB}.a (v2)`, `alter ${DB}.a`],
      [`DROP INDEX iv ON ${DB}.a`, `alter ${DB}.a`],
      [`RENAME TABLE ${DB}.a TO ${DB}.tmp, ${DB}.b TO ${DB}.a, ${DB}.tmp TO ${DB}.b`, `rename ${DB}.a>${DB}.tmp,rename ${DB}.b>${DB}.a,rename ${DB}.tmp>${DB}.b`],
      [`CREATE TEMPORARY TABLE ${DB}.tt (x INT)`, ''],
      [`CREATE VIEW ${DB}.v AS SELECT * FROM ${DB}.a`, 'none CREATE VIEW'],
      [`CREATE PROCEDURE ${DB}.p() BEGIN SELECT 1; SELECT 2; END`, 'none CREATE PROCEDURE'],
      [`CREATE TRIGGER ${DB}.tr BEFORE INSERT ON ${DB}.a FOR EACH ROW SET NEW.id = NEW.id + 1`, 'none CREATE TRIGGER'],
      [`CREATE SEQUENCE ${DB}.s`, 'none CREATE SEQUENCE'],
      [`CREATE USER '${user}'@'localhost' IDENTIFIED BY 'x'`, 'none CREATE USER'],
      [`GRANT SELECT ON ${DB}.* TO '${user}'@'localhost'`, 'none GRANT'],
      [`DROP USER '${user}'@'localhost'`, 'none DROP USER'],
      [`ANALYZE TABLE ${DB}.a`, 'none ANALYZE'],
      [`DROP VIEW ${DB}.v`, 'none DROP VIEW'],
      [`DROP TABLE IF EXISTS ${DB}.a, ${DB}.b, ${DB}.nothing`, `drop ${DB}.a,drop ${DB}.b,drop ${DB}.nothing`],
      [`CREATE DATABASE ${marker}`, `create-database ${marker}`],
    ];
    const gtids = String(((await admin.query('SELECT @@gtid_binlog_pos AS p'))[0] as { p: string }[])[0]!.p);
    const reader = new BinlogReader({
      connection: mariadbOptions(), serverId: 7900 + (process.pid % 300), start: { gtids }, heartbeatIntervalMs: 1000,
      includeSchema: { [DB]: true }, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
    });
    const seen: string[] = [];
    await reader.start();
    try {
      for (const [sql] of statements) await admin.query(sql);
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 30_000);
      try {
        for (;;) {
          const ev = await reader.next(ac.signal);
          assert.ok(ev, `timed out; saw ${seen.join(' | ')}`);
          if (ev.type !== 'ddl') continue;
          const p = parseDdl(ev.query, ev.db);
          assert.notEqual(p.kind, 'unknown', `${ev.query}: ${JSON.stringify(p)}`);
          const name = (t: TableName) => `${t.db}.${t.table}`;
          seen.push(p.kind === 'changes'
            ? p.changes.map((c) => c.kind === 'rename' ? `rename ${name(c.from)}>${name(c.to)}` : 'db' in c ? `${c.kind} ${c.db}` : c.kind === 'create' && c.like ? `create ${name(c.table)} like ${name(c.like)}` : `${c.kind} ${name(c.table)}`).join(',')
            : `${p.kind} ${'statement' in p ? p.statement : p.reason}`);
          if (p.kind === 'changes' && p.changes.some((c) => c.kind === 'create-database' && c.db === marker)) break;
        }
      } finally {
        clearTimeout(timer);
      }
    } finally {
      await reader.stop();
      await admin.query(`DROP DATABASE IF EXISTS ${marker}; DROP USER IF EXISTS '${user}'@'localhost'`);
    }
    // MariaDB writes no CREATE TEMPORARY TABLE in ROW format; everything else, in order
    assert.deepEqual(seen, statements.map(([, want]) => want).filter((w) => w !== ''));
  });
});

describe('schema history topic (Kafka)', { skip: kafkaEnv ? false : KAFKA_SKIP }, () => {
  test('created as specified, re-declared, a topic Debezium created is taken over, records read back and replayed', { timeout: 120_000 }, async () => {
    const kafka = kafkaFor(kafkaEnv!);
    const topics = new TopicManager({ kafka, log: silentLogger() });
    const admin = kafka.admin();
    await admin.connect();
    const id = randomUUID().slice(0, 8);
    try {
      const service = new KafkaInternalTopics({ kafka, topics, connectorName: `hist-${id}` });
      const ours = `it-schema-history-${id}`;
      await service.declare(historyTopicSpec(ours));
      await service.declare(historyTopicSpec(ours)); // the existing topic matches the spec
      const debeziums = `it-dbz-history-${id}`;
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: debeziums, numPartitions: 1, replicationFactor: 1, configEntries: [
        { name: 'cleanup.policy', value: 'delete' }, { name: 'retention.ms', value: '9223372036854775807' }, { name: 'retention.bytes', value: '-1' },
      ] }] });
      // why retention.ms is Debezium's Long.MAX_VALUE and not -1: the runtime compares configs exactly
      await assert.rejects(service.declare({ ...historyTopicSpec(debeziums), configs: { 'retention.ms': '-1', 'retention.bytes': '-1' } }), /CDC_INTERNAL_TOPIC_MISMATCH|retention\.ms=9223372036854775807 where it needs -1/);
      const topic = await service.declare(historyTopicSpec(debeziums));
      const producer = kafka.producer();
      await producer.connect();
      const entry = (pos: number, ddl: string) => encodeHistoryRecord(debeziums, {
        server: 'it', position: { file: 'mariadb-bin.000001', pos }, tsMs: 1, databaseName: 'shop', ddl, tableChanges: [],
      });
      try {
        for (const r of [entry(100, 'CREATE TABLE a (x INT)'), entry(200, 'DROP TABLE a')]) {
          await producer.send({ topic: r.topic, messages: [{ partition: r.partition, key: r.key, value: r.value }] });
        }
      } finally {
        await producer.disconnect();
      }
      const replay = new HistoryReplay('it', { file: 'mariadb-bin.000001', pos: 150 });
      assert.equal(await topic.readAll((r) => replay.apply(r.value, `${debeziums}@${r.offset}`)), 2);
      assert.deepEqual(replay.counts, { applied: 1, later: 1, otherServer: 0 });
    } finally {
      await admin.disconnect();
      await topics.close();
    }
  });
});
