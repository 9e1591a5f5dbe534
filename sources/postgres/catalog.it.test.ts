/**
 * Catalog reading and type mapping against a real PostgreSQL 15 (bash test/stack/stack.sh up;
 * source .stack/env). Skipped when PGHOST is unset (failed instead when the run requires the stack:
 * test/helpers/stack-env.ts). Works in its own schema, dropped afterwards,
 * so it can share the stack's database with other tests.
 *
 * The second half reads a row the way the snapshot does (a client whose type parsers return
 * PostgreSQL's text unchanged) and checks that every column converts to Debezium's value.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { loadTable, loadTables, type PgColumn, type PgTable } from './catalog.ts';
import { buildFilters } from './table-filter.ts';
import { listCapturedTables } from './table-registry.ts';
import { requireServices } from '../../test/helpers/stack-env.ts';
import { DEFAULT_PG_TYPE_OPTIONS, mapColumn, type PgTypeOptions } from './types.ts';

const SKIP = requireServices(['PGHOST'], 'PostgreSQL', 'bash test/stack/stack.sh up; . $CDC_STACK_DIR/env') ? false : 'PGHOST is unset (bash test/stack/stack.sh up; source .stack/env)';
const SCHEMA = `cdc_types_it_${process.pid}_${Date.now() % 100000}`;
const hex = (h: string) => Buffer.from(h, 'hex');

/** A client that hands back every value as PostgreSQL's text, like the snapshot connection. */
function rawClient(): pg.Client {
  return new pg.Client({ types: { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig });
}

const DDL = `
CREATE SCHEMA ${SCHEMA};
CREATE TYPE ${SCHEMA}.order_status AS ENUM ('new', 'paid', 'shipped');
ALTER TYPE ${SCHEMA}.order_status ADD VALUE 'draft' BEFORE 'new';
CREATE TYPE ${SCHEMA}.pair AS (a int, b text);
CREATE DOMAIN ${SCHEMA}.money2 AS numeric(10,2);
CREATE DOMAIN ${SCHEMA}.posint AS integer CHECK (VALUE > 0);
CREATE DOMAIN ${SCHEMA}.posint2 AS ${SCHEMA}.posint;
CREATE DOMAIN ${SCHEMA}.code AS varchar(20);
CREATE DOMAIN ${SCHEMA}.intlist AS integer[];
CREATE TABLE ${SCHEMA}.all_types (
  id serial PRIMARY KEY,
  c_dropped int,
  c_int2 smallint NOT NULL DEFAULT 7,
  c_int8 bigint,
  c_oid oid,
  c_float4 real,
  c_float8 double precision,
  c_bool boolean NOT NULL DEFAULT true,
  c_num numeric(10,2) DEFAULT 12.5,
  c_num_free numeric,
  c_num_neg numeric(5,-2),
  c_money money,
  c_text text DEFAULT 'abc',
  c_varchar varchar(20),
  c_char char(5),
  c_name name,
  c_uuid uuid DEFAULT gen_random_uuid(),
  c_json json,
  c_jsonb jsonb,
  c_xml xml,
  c_inet inet,
  c_cidr cidr,
  c_macaddr macaddr,
  c_macaddr8 macaddr8,
  c_int4range int4range,
  c_tstzrange tstzrange,
  c_bytea bytea,
  c_bit1 bit(1),
  c_bit bit(3),
  c_varbit varbit,
  c_date date,
  c_date_inf date,
  c_time3 time(3),
  c_time time,
  c_timetz timetz,
  c_ts timestamp,
  c_ts3 timestamp(3),
  c_ts_inf timestamp,
  c_tstz timestamptz DEFAULT now(),
  c_tstz_bc timestamptz,
  c_tstz3 timestamptz(3),
  c_interval interval,
  c_interval_neg interval,
  c_enum ${SCHEMA}.order_status DEFAULT 'paid',
  c_point point,
  c_tsvector tsvector,
  c_int4a integer[],
  c_int8a bigint[],
  c_texta text[],
  c_numa numeric(10,2)[],
  c_tstza timestamptz[],
  c_byteaa bytea[],
  c_enuma ${SCHEMA}.order_status[],
  c_uuida uuid[],
  c_datea date[],
  c_jsonba jsonb[],
  c_dom_num ${SCHEMA}.money2,
  c_dom_int ${SCHEMA}.posint2,
  c_dom_code ${SCHEMA}.code,
  c_dom_list ${SCHEMA}.intlist,
  c_circle circle,
  c_intervala interval[],
  c_pair ${SCHEMA}.pair,
  c_gen int GENERATED ALWAYS AS (c_int2 * 2) STORED
);
ALTER TABLE ${SCHEMA}.all_types DROP COLUMN c_dropped;
COMMENT ON TABLE ${SCHEMA}.all_types IS 'every type';
COMMENT ON COLUMN ${SCHEMA}.all_types.c_num IS 'amount in EUR';
CREATE TABLE ${SCHEMA}.by_index (a int NOT NULL, b int NOT NULL, c text);
CREATE UNIQUE INDEX by_index_ba ON ${SCHEMA}.by_index (b, a);
ALTER TABLE ${SCHEMA}.by_index REPLICA IDENTITY USING INDEX by_index_ba;
CREATE TABLE ${SCHEMA}.composite_pk (a int, b int, c text, PRIMARY KEY (b, a));
ALTER TABLE ${SCHEMA}.composite_pk REPLICA IDENTITY FULL;
CREATE TABLE ${SCHEMA}.no_key (x text);
CREATE TABLE ${SCHEMA}.parted (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE ${SCHEMA}.parted_2024 PARTITION OF ${SCHEMA}.parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE VIEW ${SCHEMA}.a_view AS SELECT 1 AS one;
`;

/** Extension types, added when the server has the contrib modules. */
const EXTENSION_DDL = [
  ['hstore', `ALTER TABLE ${SCHEMA}.all_types ADD COLUMN c_hstore hstore`],
  ['ltree', `ALTER TABLE ${SCHEMA}.all_types ADD COLUMN c_ltree ltree`],
  ['citext', `ALTER TABLE ${SCHEMA}.all_types ADD COLUMN c_citext citext`],
] as const;

const INSERT = `INSERT INTO ${SCHEMA}.all_types (c_int2, c_int8, c_oid, c_float4, c_float8, c_bool, c_num, c_num_free, c_num_neg, c_money,
  c_text, c_varchar, c_char, c_name, c_uuid, c_json, c_jsonb, c_xml, c_inet, c_cidr, c_macaddr, c_macaddr8, c_int4range, c_tstzrange,
  c_bytea, c_bit1, c_bit, c_varbit, c_date, c_date_inf, c_time3, c_time, c_timetz, c_ts, c_ts3, c_ts_inf, c_tstz, c_tstz_bc, c_tstz3,
  c_interval, c_interval_neg, c_enum, c_point, c_tsvector, c_int4a, c_int8a, c_texta, c_numa, c_tstza, c_byteaa, c_enuma, c_uuida, c_datea,
  c_jsonba, c_dom_num, c_dom_int, c_dom_code, c_dom_list, c_circle, c_intervala, c_pair)
VALUES (32767, 9223372036854775807, 4000000000, 3.3, 'NaN', true, 12345678.91, 1234567890.123456789012345678900, 12345, 1234.11,
  'some text', 'žš', 'ab', 'pg_class', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": 1}', '{"b":2,"a":1}', '<foo>bar</foo>',
  '192.168.2.0/12', '192.168.100.128/25', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05', '[1,10)', '[2017-06-05 11:29:12.549426+00,)',
  '\\x0102ff', B'1', B'101', B'111011010001000110000001000000001', '0044-03-15 BC', 'infinity', '13:51:30.123', '24:00:00',
  '13:51:30.123789+02', '1936-10-25 22:10:12.608', '2016-11-04 13:51:30.124', '-infinity', '2016-11-04 13:51:30.123456+02',
  '4714-12-31 23:59:59.999999+00 BC', '2016-11-04 11:51:30.12+00', '1 year 2 months 3 days 4 hours 5 minutes 6.78 seconds',
  '-1 years -2 mons +3 days -04:05:06', 'paid', '(1,1)', 'a fat cat', '{1,NULL,3}', '{1550166368505037572}', '{"a b","c\\"d",NULL,"NULL"}',
  '{1.2,3.4}', ARRAY['2020-04-01 11:51:02+00'::timestamptz], ARRAY['\\x000102'::bytea, '\\x030405'], '{new,paid}',
  '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{2016-11-04,2016-11-05}', ARRAY['{"bar": "baz"}'::jsonb], 1.5, 3, 'X-1', '{4,5}',
  '<(10,20),10>', ARRAY['1 day'::interval], ROW(1, 'x'))`;

describe('PostgreSQL catalog and text conversion', { skip: SKIP }, () => {
  let admin: pg.Client;
  const extensions = new Set<string>();

  before(async () => {
    admin = new pg.Client();
    await admin.connect();
    await admin.query(DDL);
    for (const [ext, ddl] of EXTENSION_DDL) {
      try {
        await admin.query(`CREATE EXTENSION IF NOT EXISTS ${ext}`);
        await admin.query(ddl);
        extensions.add(ext);
      } catch {
        // contrib not installed: the column is simply not part of this run
      }
    }
    await admin.query(INSERT);
    if (extensions.has('hstore')) await admin.query(`UPDATE ${SCHEMA}.all_types SET c_hstore = '"key4"=>"val4", "key5"=>NULL'`);
    if (extensions.has('ltree')) await admin.query(`UPDATE ${SCHEMA}.all_types SET c_ltree = 'Top.Collections.Pictures'`);
    if (extensions.has('citext')) await admin.query(`UPDATE ${SCHEMA}.all_types SET c_citext = 'Hello World'`);
    await admin.query(`INSERT INTO ${SCHEMA}.all_types (c_int2) VALUES (1)`); // a row of NULLs and defaults
  });

  after(async () => {
    if (!admin) return;
    await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await admin.end();
  });

  let table: PgTable;
  const byName = (name: string): PgColumn => {
    const c = table.columns.find((x) => x.name === name);
    assert.ok(c, `column ${name}`);
    return c;
  };

  test('loadTable reads columns, types, domains, enums, defaults, comments and the key', async () => {
    const t = await loadTable(admin, SCHEMA, 'all_types', { includeGenerated: true });
    assert.ok(t);
    table = t;
    // pgoutput before PostgreSQL 18 never sends a generated column: by default it is not listed.
    const plain = await loadTable(admin, SCHEMA, 'all_types');
    assert.deepEqual(plain?.columns.map((c) => c.name), t.columns.filter((c) => c.name !== 'c_gen').map((c) => c.name));
    assert.equal(t.schema, SCHEMA);
    assert.equal(t.name, 'all_types');
    assert.equal(t.comment, 'every type');
    assert.equal(t.replicaIdentity, 'd');
    assert.deepEqual(t.keyColumns, ['id']);
    const oid = await admin.query(`SELECT '${SCHEMA}.all_types'::regclass::oid::text AS oid`);
    assert.equal(t.oid, Number((oid.rows[0] as { oid: string }).oid));
    assert.ok(!t.columns.some((c) => c.name === 'c_dropped'), 'dropped columns are not listed');
    assert.deepEqual(t.columns.slice(0, 2).map((c) => [c.name, c.position]), [['id', 1], ['c_int2', 3]]);

    const id = byName('id');
    assert.equal(id.isKey, true);
    assert.equal(id.nullable, false);
    assert.match(id.defaultExpr ?? '', /^nextval\('.*all_types_id_seq'::regclass\)$/);
    assert.equal(id.baseTypeName, 'int4');
    assert.equal(id.typeName, 'integer');
    assert.equal(id.typtype, 'b');
    assert.equal(byName('c_int2').defaultExpr, '7');
    assert.equal(byName('c_int2').isKey, false);
    assert.equal(byName('c_text').defaultExpr, "'abc'::text");
    assert.equal(byName('c_enum').defaultExpr, `'paid'::${SCHEMA}.order_status`);
    assert.equal(byName('c_num').comment, 'amount in EUR');
    assert.equal(byName('c_num').typeName, 'numeric(10,2)');
    assert.equal(byName('c_num').typeMod, ((10 << 16) | 2) + 4);
    assert.equal(byName('c_num_free').typeMod, -1);
    assert.equal(byName('c_num_neg').typeName, 'numeric(5,-2)');
    assert.equal(byName('c_varchar').typeName, 'character varying(20)');
    assert.equal(byName('c_varchar').baseTypeName, 'varchar');
    assert.equal(byName('c_char').typeName, 'character(5)');
    assert.equal(byName('c_char').baseTypeName, 'bpchar');
    assert.equal(byName('c_ts3').typeName, 'timestamp(3) without time zone');
    assert.equal(byName('c_ts3').typeMod, 3);
    assert.equal(byName('c_time').typeMod, -1);
    assert.equal(byName('c_int4a').typeName, 'integer[]');
    assert.equal(byName('c_int4a').baseTypeName, '_int4');
    assert.equal(byName('c_int4a').elementTypeName, 'int4');
    assert.equal(byName('c_int4a').elementTypeOid, 23);
    assert.equal(byName('c_numa').typeName, 'numeric(10,2)[]');
    assert.equal(byName('c_numa').typeMod, ((10 << 16) | 2) + 4);
    const en = byName('c_enum');
    assert.equal(en.typtype, 'e');
    assert.equal(en.baseTypeName, 'order_status');
    assert.deepEqual(en.enumLabels, ['draft', 'new', 'paid', 'shipped'], 'labels in enumsortorder');
    assert.deepEqual(byName('c_enuma').enumLabels, ['draft', 'new', 'paid', 'shipped']);
    assert.equal(byName('c_enuma').elementTypeName, 'order_status');
    assert.equal(byName('c_int8').enumLabels, undefined);
    // Domains resolve to their root base type; the typmod comes from the declared domain.
    const dn = byName('c_dom_num');
    assert.deepEqual([dn.typtype, dn.baseTypeName, dn.typeMod], ['d', 'numeric', ((10 << 16) | 2) + 4]);
    assert.match(dn.typeName, /money2$/);
    assert.deepEqual([byName('c_dom_int').typtype, byName('c_dom_int').baseTypeName], ['d', 'int4']);
    assert.deepEqual([byName('c_dom_code').baseTypeName, byName('c_dom_code').typeMod], ['varchar', 24]);
    assert.deepEqual([byName('c_dom_list').baseTypeName, byName('c_dom_list').elementTypeName], ['_int4', 'int4']);
    assert.equal(byName('c_pair').typtype, 'c');
    const gen = byName('c_gen');
    assert.equal(gen.generated, true);
    assert.equal(gen.defaultExpr, null);
    assert.equal(byName('c_int8').generated, undefined);
  });

  test('keys: replica identity index without a primary key, composite primary key order, none', async () => {
    const tables = await loadTables(admin, (s) => s === SCHEMA);
    const names = tables.map((t) => t.name).sort();
    assert.deepEqual(names, ['all_types', 'by_index', 'composite_pk', 'no_key', 'parted', 'parted_2024'], 'tables and partitions, no views');
    const get = (n: string) => tables.find((t) => t.name === n)!;
    assert.deepEqual(get('by_index').keyColumns, ['b', 'a']);
    assert.equal(get('by_index').replicaIdentity, 'i');
    assert.deepEqual(get('by_index').columns.map((c) => [c.name, c.isKey]), [['a', true], ['b', true], ['c', false]]);
    assert.deepEqual(get('composite_pk').keyColumns, ['b', 'a']);
    assert.equal(get('composite_pk').replicaIdentity, 'f');
    assert.deepEqual(get('no_key').keyColumns, []);
    assert.deepEqual(get('parted').keyColumns, ['id', 'at']);
    assert.equal(await loadTable(admin, SCHEMA, 'missing'), null);
    assert.equal(await loadTable(admin, SCHEMA, 'a_view'), null);
    assert.deepEqual((await loadTables(admin, (s, t) => s === SCHEMA && t === 'no_key')).map((t) => t.name), ['no_key']);
  });

  test('include/exclude lists pushed down to SQL select exactly what the JavaScript filter selects', async () => {
    const odd = ['Orders', 'orders', 'my table', 'a.b', 'prénom', 'x😀y', 'x😀😀y', 'line\nbreak', 'Größe', 'q"uote'];
    for (const n of odd) await admin.query(`CREATE TABLE ${SCHEMA}."${n.replace(/"/g, '""')}" (id int)`);
    const S = SCHEMA;
    const cases: { none?: true; schemaInclude?: string[]; schemaExclude?: string[]; tableInclude?: string[]; tableExclude?: string[] }[] = [
      { schemaInclude: [S] },
      { schemaInclude: [`${S.slice(0, 8)}.*`] },
      { tableInclude: [`${S}\\.[Oo]rders`] },
      { tableInclude: [`${S}\\..*`] },
      { tableInclude: [`${S}\\.x..y`, `${S}\\.x.y`] },
      { tableInclude: [`${S}\\.x[^a][^a]y`] }, // one astral character is two UTF-16 units in JavaScript
      { tableInclude: [`${S}\\.line.break`], none: true }, // JavaScript's "." stops at a line break, ARE's does not
      { tableInclude: [`${S}\\.\\w+`] }, // not portable: JavaScript alone decides
      { tableInclude: [`${S}\\.(?:Gr..e|my table|a\\.b|q"uote)`] },
      { tableInclude: [`${S}\\.ORDERS`], none: true },
      { schemaInclude: [S], tableExclude: [`${S}\\.my table`, `${S}\\.a\\.b`, `${S}\\.x.*`] },
      { schemaExclude: ['public', 'pg_.*'], tableExclude: [`${S}\\.Orders`] },
    ];
    const parts = await admin.query(`SELECT n.nspname || '.' || c.relname AS id FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relispartition`);
    const partitions = new Set((parts.rows as { id: string }[]).map((r) => r.id));
    for (const c of cases) {
      const f = buildFilters({ schemaInclude: c.schemaInclude ?? [], schemaExclude: c.schemaExclude ?? [], tableInclude: c.tableInclude ?? [], tableExclude: c.tableExclude ?? [], columnInclude: [], columnExclude: [] });
      const ids = (ts: readonly { schema: string; name: string }[]) => ts.map((t) => `${t.schema}.${t.name}`).filter((id) => id.startsWith(`${S}.`)).sort();
      const jsOnly = ids(await loadTables(admin, { table: f.table }));
      assert.deepEqual(ids(await loadTables(admin, f)), jsOnly, JSON.stringify(c));
      const lists = { schemaInclude: c.schemaInclude ?? [], tableInclude: c.tableInclude ?? [], tableExclude: c.tableExclude ?? [] };
      // Captured tables are the same, less partitions: through the root they are not tables of their own.
      assert.deepEqual(ids(await listCapturedTables(admin, { filters: f, publishViaRoot: true, lists })), jsOnly.filter((id) => !partitions.has(id)), JSON.stringify(c));
      assert.equal(jsOnly.length === 0, c.none === true, `case ${JSON.stringify(c)} selects ${jsOnly.length} tables`);
    }
    for (const n of odd) await admin.query(`DROP TABLE ${SCHEMA}."${n.replace(/"/g, '""')}"`);
  });

  test('catalog reads the same through a client that returns raw strings', async () => {
    const raw = rawClient();
    await raw.connect();
    try {
      const t = await loadTable(raw, SCHEMA, 'all_types', { includeGenerated: true });
      assert.deepEqual(t, table);
    } finally {
      await raw.end();
    }
  });

  /** Expected Debezium values for the first row, by column. */
  const EXPECTED: Record<string, unknown> = {
    c_int2: 32767, c_int8: 9223372036854775807n, c_oid: 4000000000n, c_float4: 3.3, c_float8: NaN, c_bool: true,
    c_num: hex('499602d3'), // 1234567891 at scale 2
    c_num_free: { scale: 19, value: hex('27e41b3246bec9b16e398115') }, // trailing zeros stripped
    c_num_neg: hex('7b'), // 12345 rounded by PostgreSQL to 12300 = 123E+2
    c_money: hex('01e213'),
    c_text: 'some text', c_varchar: 'žš', c_char: 'ab   ', c_name: 'pg_class', c_uuid: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    c_json: '{"a": 1}', c_jsonb: '{"a": 1, "b": 2}', c_xml: '<foo>bar</foo>', c_inet: '192.168.2.0/12', c_cidr: '192.168.100.128/25',
    c_macaddr: '08:00:2b:01:02:03', c_macaddr8: '08:00:2b:01:02:03:04:05', c_int4range: '[1,10)',
    c_tstzrange: '["2017-06-05 16:59:12.549426+05:30",)', // PostgreSQL's text in the session zone, passed through
    c_bytea: hex('0102ff'), c_bit1: true, c_bit: hex('05'), c_varbit: hex('010223da01'),
    c_date: -735160, c_date_inf: -2147472692, c_time3: 49890123, c_time: 86400000000n, c_timetz: '11:51:30.123789Z',
    c_ts: BigInt(Date.UTC(1936, 9, 25, 22, 10, 12, 608)) * 1000n, c_ts3: 1478267490124n, c_ts_inf: -9223372036832400000n,
    c_tstz: '2016-11-04T11:51:30.123456Z', c_tstz_bc: '-4713-12-31T23:59:59.999999Z', c_tstz3: '2016-11-04T11:51:30.120Z',
    c_interval: 37091106780000n, c_interval_neg: -36572706000000n, c_enum: 'paid',
    c_point: { x: 1, y: 1, wkb: hex('0101000000000000000000f03f000000000000f03f'), srid: null }, c_tsvector: "'a' 'cat' 'fat'",
    c_int4a: [1, null, 3], c_int8a: [1550166368505037572n], c_texta: ['a b', 'c"d', null, 'NULL'], c_numa: [hex('78'), hex('0154')],
    c_tstza: ['2020-04-01T11:51:02.000000Z'], c_byteaa: [hex('000102'), hex('030405')], c_enuma: ['new', 'paid'],
    c_uuida: ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'], c_datea: [17109, 17110], c_jsonba: ['{"bar": "baz"}'],
    c_dom_num: hex('0096'), c_dom_int: 3, c_dom_code: 'X-1', c_dom_list: [4, 5],
    c_hstore: '{"key5":null,"key4":"val4"}', c_ltree: 'Top.Collections.Pictures', c_citext: 'Hello World',
  };
  const UNMAPPED = ['c_circle', 'c_intervala', 'c_pair'];

  async function snapshotRows(opts: PgTypeOptions, sql: (cols: string) => string) {
    const raw = rawClient();
    await raw.connect();
    try {
      // A zone with a non-hour offset (and LMT before 1900): offsets must be applied, not assumed.
      await raw.query(`SET TimeZone = 'Asia/Kolkata'`);
      const cols = table.columns.filter((c) => !c.generated);
      const res = await raw.query(sql(cols.map((c) => `"${c.name}"`).join(', ')));
      return { cols, rows: res.rows as Record<string, string | null>[], opts };
    } finally {
      await raw.end();
    }
  }

  test('snapshot text (raw type parsers) converts to Debezium values for every column', async () => {
    const { cols, rows } = await snapshotRows(DEFAULT_PG_TYPE_OPTIONS, (c) => `SELECT ${c} FROM ${SCHEMA}.all_types ORDER BY id`);
    const [full, sparse] = rows;
    assert.ok(full && sparse);
    for (const c of cols) {
      const m = mapColumn(c, DEFAULT_PG_TYPE_OPTIONS);
      if (UNMAPPED.includes(c.name)) {
        assert.equal(m, null, `${c.name} has no mapping`);
        continue;
      }
      assert.ok(m, `${c.name} has a mapping`);
      if (c.name === 'id') {
        assert.equal(m.convert(full[c.name]), 1);
        assert.equal(m.schema.defaultValue, 0, 'serial -> default 0');
        continue;
      }
      assert.ok(c.name in EXPECTED, `expected value listed for ${c.name}`);
      assert.deepEqual(m.convert(full[c.name]), EXPECTED[c.name], `${c.name} from ${JSON.stringify(full[c.name])}`);
    }
    // Second row: defaults applied by PostgreSQL, NULL elsewhere.
    const conv = (name: string) => mapColumn(cols.find((c) => c.name === name)!, DEFAULT_PG_TYPE_OPTIONS)!.convert(sparse[name]);
    assert.equal(conv('c_int8'), null);
    assert.equal(conv('c_text'), 'abc');
    assert.deepEqual(conv('c_num'), hex('04e2'));
    assert.equal(conv('c_enum'), 'paid');
    assert.match(conv('c_tstz') as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  test('SELECT col::text gives the same text as the output function, except bpchar padding', async () => {
    const { cols, rows } = await snapshotRows(DEFAULT_PG_TYPE_OPTIONS, () => `SELECT ${table.columns.filter((c) => !c.generated)
      .map((c) => `"${c.name}"::text AS "${c.name}"`).join(', ')} FROM ${SCHEMA}.all_types ORDER BY id LIMIT 1`);
    for (const c of cols) {
      const m = mapColumn(c, DEFAULT_PG_TYPE_OPTIONS);
      if (!m || c.name === 'id') continue;
      // char(n)::text drops the padding that the output function (and pgoutput) keep.
      const expected = c.name === 'c_char' ? 'ab' : EXPECTED[c.name];
      assert.deepEqual(m.convert(rows[0]![c.name]), expected, c.name);
    }
  });

  test('other modes read from the server: string/double decimals, isostring, connect, string intervals, hex binary', async () => {
    const opts: PgTypeOptions = {
      ...DEFAULT_PG_TYPE_OPTIONS, decimalHandlingMode: 'string', timePrecisionMode: 'isostring', intervalHandlingMode: 'string', binaryHandlingMode: 'hex',
    };
    const { cols, rows } = await snapshotRows(opts, (c) => `SELECT ${c} FROM ${SCHEMA}.all_types ORDER BY id LIMIT 1`);
    const conv = (name: string, o: PgTypeOptions = opts) => mapColumn(cols.find((c) => c.name === name)!, o)!.convert(rows[0]![name]);
    assert.equal(conv('c_num'), '12345678.91');
    assert.equal(conv('c_num_free'), '1234567890.123456789012345678900');
    assert.equal(conv('c_num_neg'), '1.23E+4');
    assert.equal(conv('c_money'), '1234.11');
    assert.deepEqual(conv('c_numa'), ['1.20', '3.40']);
    assert.equal(conv('c_date'), '-0043-03-15Z');
    assert.equal(conv('c_ts'), '1936-10-25T22:10:12.608Z');
    assert.equal(conv('c_time3'), '13:51:30.123Z');
    assert.equal(conv('c_interval'), 'P1Y2M3DT4H5M6.78S');
    assert.equal(conv('c_bytea'), '0102ff');
    assert.deepEqual(conv('c_byteaa'), ['000102', '030405']);
    const connect = { ...DEFAULT_PG_TYPE_OPTIONS, timePrecisionMode: 'connect' as const, decimalHandlingMode: 'double' as const };
    assert.equal(conv('c_num', connect), 12345678.91);
    assert.equal(conv('c_ts', connect), BigInt(Date.UTC(1936, 9, 25, 22, 10, 12, 608)));
    assert.equal(conv('c_time3', connect), 49890123);
    assert.equal(conv('c_date', connect), -735160);
  });
});
