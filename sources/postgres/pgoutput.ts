/**
 * pgoutput (protocol version 1) messages from XLogData payloads, in the shapes of
 * pg-logical-replication's Pgoutput types, which the rest of the source consumes.
 * pg-logical-replication stays the replication client (the socket, START_REPLICATION,
 * status updates); its parser is replaced because it was the largest allocator of
 * the streaming path (docs/benchmarks.md): per column it made a Buffer view, ran a
 * TextDecoder and stored the result in a dictionary-mode object.
 *
 * Here a column's text is read straight from the frame into a string, and a tuple is
 * an ordinary object of its relation's own row class, so every tuple of a relation
 * shares one hidden class. The row class's prototype chain ends in an empty object
 * without a prototype: a column may be named __proto__ or constructor and is still a
 * plain own property, as in the library's null-prototype tuples.
 *
 * Message layouts: https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html
 * The parser is stateful (Relation and Type messages describe later ones): frames are
 * parsed once each, in stream order.
 */
import type { Pgoutput } from 'pg-logical-replication';
import { rowClass, utf8Text } from './text-rows.ts';

/** Microseconds between the Unix epoch and PostgreSQL's (2000-01-01). */
const PG_EPOCH_OFFSET_US = 946_684_800_000_000n;

type Row = Record<string, string | Uint8Array | null | undefined>;
type RowClass = new () => Row;

interface Relation extends Pgoutput.MessageRelation {
  /** constructs this relation's tuples */
  readonly Row: RowClass;
}

const identity = (raw: unknown): unknown => raw;

export class PgoutputParser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private readonly relations = new Map<number, Relation>();
  private readonly types = new Map<number, { typeSchema: string; typeName: string }>();

  parse(frame: Buffer): Pgoutput.Message {
    this.buf = frame;
    this.pos = 1;
    switch (frame[0]) {
      case 0x42: return this.begin(); // B
      case 0x43: return this.commit(); // C
      case 0x49: return this.insert(); // I
      case 0x55: return this.update(); // U
      case 0x44: return this.delete(); // D
      case 0x52: return this.relation(); // R
      case 0x54: return this.truncate(); // T
      case 0x4d: return this.message(); // M
      case 0x59: return this.type(); // Y
      case 0x4f: return this.origin(); // O
      default:
        throw new Error(`unknown pgoutput message type 0x${(frame[0] ?? 0).toString(16)} (a protocol version this daemon does not read?)`);
    }
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error(`pgoutput message 0x${(this.buf[0] ?? 0).toString(16)} ends early: needs ${this.pos + n} bytes, has ${this.buf.length}`);
  }

  private u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  private i16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  private i32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  private u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  private cstring(): string {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw new Error(`pgoutput message 0x${(this.buf[0] ?? 0).toString(16)} ends inside a string`);
    const s = utf8Text(this.buf, this.pos, end);
    this.pos = end + 1;
    return s;
  }

  /** An LSN as the library spells it (upper-case hex halves padded to 8), null for 0/0. */
  private lsn(): string | null {
    const hi = this.u32(), lo = this.u32();
    if (hi === 0 && lo === 0) return null;
    return `${hi.toString(16).padStart(8, '0')}/${lo.toString(16).padStart(8, '0')}`.toUpperCase();
  }

  /** A timestamp as Unix microseconds. */
  private time(): bigint {
    const hi = this.u32(), lo = this.u32();
    return ((BigInt(hi) << 32n) | BigInt(lo)) + PG_EPOCH_OFFSET_US;
  }

  private begin(): Pgoutput.MessageBegin {
    const commitLsn = this.lsn();
    const commitTime = this.time();
    return { tag: 'begin', commitLsn, commitTime, xid: this.i32() };
  }

  private commit(): Pgoutput.MessageCommit {
    const flags = this.u8();
    const commitLsn = this.lsn();
    const commitEndLsn = this.lsn();
    return { tag: 'commit', flags, commitLsn, commitEndLsn, commitTime: this.time() };
  }

  private origin(): Pgoutput.MessageOrigin {
    const originLsn = this.lsn();
    return { tag: 'origin', originLsn, originName: this.cstring() };
  }

  private type(): Pgoutput.MessageType {
    const typeOid = this.u32();
    const typeSchema = this.cstring();
    const typeName = this.cstring();
    this.types.set(typeOid, { typeSchema, typeName });
    return { tag: 'type', typeOid, typeSchema, typeName };
  }

  private relation(): Pgoutput.MessageRelation {
    const relationOid = this.u32();
    const schema = this.cstring();
    const name = this.cstring();
    const ident = this.u8();
    const replicaIdentity = ident === 0x64 ? 'default' : ident === 0x6e ? 'nothing' : ident === 0x66 ? 'full' : ident === 0x69 ? 'index' : null;
    if (replicaIdentity === null) throw new Error(`pgoutput relation ${schema}.${name}: unknown replica identity ${String.fromCharCode(ident)}`);
    const n = this.i16();
    const columns: Pgoutput.RelationColumn[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const flags = this.u8();
      const colName = this.cstring();
      const typeOid = this.u32();
      const typeMod = this.i32();
      const known = this.types.get(typeOid);
      // Column values stay raw text: the parser is the identity (the library's ran pg's global type parsers).
      columns[i] = { flags, name: colName, typeOid, typeMod, typeSchema: known?.typeSchema ?? null, typeName: known?.typeName ?? null, parser: identity };
    }
    const keyColumns = columns.filter((c) => (c.flags & 1) !== 0).map((c) => c.name);
    const rel: Relation = { tag: 'relation', relationOid, schema, name, replicaIdentity, columns, keyColumns, Row: rowClass<Row>() };
    this.relations.set(relationOid, rel);
    return rel;
  }

  private relationOf(tag: string): Relation {
    const oid = this.u32();
    const rel = this.relations.get(oid);
    if (!rel) throw new Error(`pgoutput ${tag} of relation ${oid} before its Relation message`);
    return rel;
  }

  private insert(): Pgoutput.MessageInsert {
    const relation = this.relationOf('insert');
    this.u8(); // 'N'
    return { tag: 'insert', relation, new: this.tuple(relation, null) };
  }

  private update(): Pgoutput.MessageUpdate {
    const relation = this.relationOf('update');
    let key: Row | null = null, old: Row | null = null;
    let sub = this.u8();
    if (sub === 0x4b) { key = this.keyTuple(relation); sub = this.u8(); } // 'K'
    else if (sub === 0x4f) { old = this.tuple(relation, null); sub = this.u8(); } // 'O'
    if (sub !== 0x4e) throw new Error(`pgoutput update of ${relation.schema}.${relation.name}: unknown tuple marker ${String.fromCharCode(sub)}`);
    return { tag: 'update', relation, key, old, new: this.tuple(relation, old) };
  }

  private delete(): Pgoutput.MessageDelete {
    const relation = this.relationOf('delete');
    const sub = this.u8();
    if (sub === 0x4b) return { tag: 'delete', relation, key: this.keyTuple(relation), old: null };
    if (sub === 0x4f) return { tag: 'delete', relation, key: null, old: this.tuple(relation, null) };
    throw new Error(`pgoutput delete of ${relation.schema}.${relation.name}: unknown tuple marker ${String.fromCharCode(sub)}`);
  }

  private truncate(): Pgoutput.MessageTruncate {
    const n = this.i32();
    const flags = this.u8();
    const relations: Pgoutput.MessageRelation[] = new Array(n);
    for (let i = 0; i < n; i++) relations[i] = this.relationOf('truncate');
    return { tag: 'truncate', cascade: (flags & 1) !== 0, restartIdentity: (flags & 2) !== 0, relations };
  }

  private message(): Pgoutput.MessageMessage {
    const flags = this.u8();
    const messageLsn = this.lsn();
    const prefix = this.cstring();
    const len = this.i32();
    this.need(len);
    // A copy: the frame's bytes are reused once its batch is handled (frame-queue.ts), the content is kept in the record.
    const content = Buffer.from(this.buf.subarray(this.pos, this.pos + len));
    this.pos += len;
    return { tag: 'message', flags, transactional: (flags & 1) !== 0, messageLsn, prefix, content };
  }

  /**
   * A TupleData. `toastFrom`: the old row of the same message, whose value an unchanged TOASTed
   * column ('u') takes; undefined when there is none (the decoder then treats it as unavailable).
   */
  private tuple(rel: Relation, toastFrom: Row | null): Row {
    const n = this.i16();
    const cols = rel.columns;
    if (n > cols.length) throw new Error(`pgoutput tuple of ${rel.schema}.${rel.name} has ${n} columns, its relation ${cols.length}`);
    const row = new rel.Row();
    const buf = this.buf;
    for (let i = 0; i < n; i++) {
      const name = cols[i]!.name;
      this.need(1);
      const kind = buf[this.pos++];
      if (kind === 0x74) { // 't' text
        const len = this.i32();
        this.need(len);
        row[name] = utf8Text(buf, this.pos, this.pos + len);
        this.pos += len;
      } else if (kind === 0x6e) { // 'n' null
        row[name] = null;
      } else if (kind === 0x75) { // 'u' unchanged TOASTed value
        row[name] = toastFrom === null ? undefined : toastFrom[name];
      } else if (kind === 0x62) { // 'b' binary (not requested by this daemon)
        const len = this.i32();
        this.need(len);
        row[name] = Buffer.from(buf.subarray(this.pos, this.pos + len)); // a copy, as for a message's content
        this.pos += len;
      } else {
        throw new Error(`pgoutput tuple of ${rel.schema}.${rel.name}: unknown column kind ${String.fromCharCode(kind ?? 0)}`);
      }
    }
    return row;
  }

  /**
   * A key-only tuple ('K'): only the key columns, as properties; the others arrive as null
   * placeholders and are left out. A key column is never null, so a null there is a placeholder too.
   */
  private keyTuple(rel: Relation): Row {
    const full = this.tuple(rel, null);
    const key = new rel.Row();
    for (const k of rel.keyColumns) key[k] = full[k] === null ? undefined : full[k];
    return key;
  }
}
