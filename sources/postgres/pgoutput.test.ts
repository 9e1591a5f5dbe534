import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import { PgoutputParser } from './pgoutput.ts';

/** pgoutput frames as a walsender writes them (protocol version 1). */
class Frame {
  private readonly parts: Buffer[] = [];
  u8(v: number): this { this.parts.push(Buffer.from([v])); return this; }
  i16(v: number): this { const b = Buffer.alloc(2); b.writeInt16BE(v); this.parts.push(b); return this; }
  i32(v: number): this { const b = Buffer.alloc(4); b.writeInt32BE(v); this.parts.push(b); return this; }
  u32(v: number): this { const b = Buffer.alloc(4); b.writeUInt32BE(v); this.parts.push(b); return this; }
  u64(v: bigint): this { const b = Buffer.alloc(8); b.writeBigUInt64BE(v); this.parts.push(b); return this; }
  str(s: string): this { this.parts.push(Buffer.from(s, 'utf8'), Buffer.from([0])); return this; }
  bytes(b: Buffer): this { this.parts.push(b); return this; }
  /** TupleData: each value text, null (null), undefined (unchanged TOAST) */
  tuple(values: readonly (string | null | undefined)[]): this {
    this.i16(values.length);
    for (const v of values) {
      if (v === null) this.u8(0x6e);
      else if (v === undefined) this.u8(0x75);
      else { const b = Buffer.from(v, 'utf8'); this.u8(0x74).i32(b.length).bytes(b); }
    }
    return this;
  }
  done(): Buffer { return Buffer.concat(this.parts); }
}

const tag = (c: string) => c.charCodeAt(0);
const relation = (oid: number, cols: readonly [name: string, key: boolean, typeOid: number][]) => {
  const f = new Frame().u8(tag('R')).u32(oid).str('public').str('orders').u8(tag('d')).i16(cols.length);
  for (const [name, key, type] of cols) f.u8(key ? 1 : 0).str(name).u32(type).i32(-1);
  return f.done();
};

const COLS: [string, boolean, number][] = [['id', true, 23], ['__proto__', false, 25], ['constructor', false, 25], ['note', false, 25]];
const frames: Buffer[] = [
  new Frame().u8(tag('B')).u64(0x1_6B37_4D48n).u64(123_456_789n).i32(-5).done(),
  new Frame().u8(tag('Y')).u32(16_400).str('public').str('mood').done(),
  relation(16_385, COLS),
  new Frame().u8(tag('I')).u32(16_385).u8(tag('N')).tuple(['1', 'p', null, 'zwölf 日本 🚀']).done(),
  new Frame().u8(tag('U')).u32(16_385).u8(tag('N')).tuple(['1', 'q', 'c', undefined]).done(),
  new Frame().u8(tag('U')).u32(16_385).u8(tag('K')).tuple(['1', null, null, null]).u8(tag('N')).tuple(['2', 'q', 'c', 'n']).done(),
  new Frame().u8(tag('U')).u32(16_385).u8(tag('O')).tuple(['2', 'q', 'c', 'toasted']).u8(tag('N')).tuple(['2', 'r', 'c', undefined]).done(),
  new Frame().u8(tag('D')).u32(16_385).u8(tag('K')).tuple(['2', null, null, null]).done(),
  new Frame().u8(tag('D')).u32(16_385).u8(tag('O')).tuple(['2', 'r', '', 'x']).done(),
  new Frame().u8(tag('T')).i32(1).u8(3).u32(16_385).done(),
  new Frame().u8(tag('M')).u8(1).u64(0x2_0000_0010n).str('audit').i32(3).bytes(Buffer.from([1, 2, 3])).done(),
  new Frame().u8(tag('O')).u64(0x5n).str('upstream').done(),
  new Frame().u8(tag('C')).u8(0).u64(0x1_6B37_4D48n).u64(0x1_6B37_4D80n).u64(123_456_789n).done(),
];

/** Tuples as plain data: the library's have no prototype, ours a row class; the values are what counts. */
function plain(msg: Pgoutput.Message): unknown {
  const rows = (o: Record<string, unknown> | null) => (o === null ? null : Object.fromEntries(Object.keys(o).map((k) => [k, o[k]])));
  const rel = (r: Pgoutput.MessageRelation) => ({ ...r, Row: undefined, columns: r.columns.map((c) => ({ ...c, parser: undefined })) });
  switch (msg.tag) {
    case 'relation': return rel(msg);
    case 'insert': return { ...msg, relation: msg.relation.relationOid, new: rows(msg.new) };
    case 'update': return { ...msg, relation: msg.relation.relationOid, key: rows(msg.key), old: rows(msg.old), new: rows(msg.new) };
    case 'delete': return { ...msg, relation: msg.relation.relationOid, key: rows(msg.key), old: rows(msg.old) };
    case 'truncate': return { ...msg, relations: msg.relations.map((r) => r.relationOid) };
    case 'message': return { ...msg, content: [...msg.content] };
    default: return msg;
  }
}

test('every pgoutput v1 message parses as pg-logical-replication parses it (its shapes are what the decoder reads)', () => {
  const ours = new PgoutputParser();
  const library = new PgoutputPlugin({ protoVersion: 1, publicationNames: ['p'], messages: true });
  for (const f of frames) {
    const theirs = library.parse(f) as Pgoutput.Message;
    // The daemon always replaced the library's global pg type parsers by the identity: values stay text.
    if (theirs.tag === 'relation') for (const c of theirs.columns) c.parser = (raw: unknown) => raw;
    assert.deepEqual(plain(ours.parse(f)), plain(theirs), `message ${String.fromCharCode(f[0]!)}`);
  }
});

test('columns named __proto__ and constructor are own values; absent names read undefined, not Object.prototype members', () => {
  const p = new PgoutputParser();
  p.parse(relation(1, COLS));
  const ins = p.parse(new Frame().u8(tag('I')).u32(1).u8(tag('N')).tuple(['7', 'proto-text', 'ctor-text', null]).done()) as Pgoutput.MessageInsert;
  assert.equal(ins.new['__proto__'], 'proto-text');
  assert.equal(ins.new['constructor'], 'ctor-text');
  assert.deepEqual(Object.keys(ins.new), ['id', '__proto__', 'constructor', 'note']);
  assert.equal((ins.new as Record<string, unknown>)['toString'], undefined);
  assert.equal('hasOwnProperty' in ins.new, false);
  const del = p.parse(new Frame().u8(tag('D')).u32(1).u8(tag('K')).tuple(['7', null, null, null]).done()) as Pgoutput.MessageDelete;
  assert.deepEqual(Object.keys(del.key!), ['id']);
});

test('an unchanged TOASTed value takes the old row of the same message, else stays undefined', () => {
  const p = new PgoutputParser();
  p.parse(relation(1, COLS));
  const withOld = p.parse(new Frame().u8(tag('U')).u32(1).u8(tag('O')).tuple(['1', 'a', 'b', 'big']).u8(tag('N')).tuple(['1', 'a2', 'b', undefined]).done()) as Pgoutput.MessageUpdate;
  assert.equal(withOld.new['note'], 'big');
  const without = p.parse(new Frame().u8(tag('U')).u32(1).u8(tag('N')).tuple(['1', 'a2', 'b', undefined]).done()) as Pgoutput.MessageUpdate;
  assert.equal('note' in without.new, true);
  assert.equal(without.new['note'], undefined);
});

test('a truncated frame, an unknown relation and an unknown message type are errors that say which', () => {
  const p = new PgoutputParser();
  assert.throws(() => p.parse(new Frame().u8(tag('I')).u32(99).u8(tag('N')).tuple(['1']).done()), /relation 99 before its Relation message/);
  p.parse(relation(1, COLS));
  const whole = new Frame().u8(tag('I')).u32(1).u8(tag('N')).tuple(['1', 'a', 'b', 'c']).done();
  assert.throws(() => p.parse(whole.subarray(0, whole.length - 1)), /ends early/);
  assert.throws(() => p.parse(Buffer.from([0x5a])), /unknown pgoutput message type 0x5a/);
});

test('relation and type OIDs above 2^31 stay unsigned', () => {
  const p = new PgoutputParser();
  const rel = p.parse(relation(3_000_000_000, [['id', true, 3_000_000_001]])) as Pgoutput.MessageRelation;
  assert.equal(rel.relationOid, 3_000_000_000);
  assert.equal(rel.columns[0]!.typeOid, 3_000_000_001);
  const ins = p.parse(new Frame().u8(tag('I')).u32(3_000_000_000).u8(tag('N')).tuple(['5']).done()) as Pgoutput.MessageInsert;
  assert.equal(ins.new['id'], '5');
});
