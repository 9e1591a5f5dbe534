/**
 * Character, binary, JSON, ENUM and SET columns (debezium-events.md §11):
 *   CHAR/VARCHAR/*TEXT STRING, already decoded with the column's charset by zongji (latin1 as
 *   cp1252, as Java's mapping of MySQL's latin1) and by mysql2 in a snapshot;
 *   BINARY/VARBINARY/*BLOB under binary.handling.mode, BINARY(n) right-padded with 0x00 to n
 *   bytes (the binlog strips the padding; Debezium restores it);
 *   JSON (MySQL's type, MariaDB's LONGTEXT CHECK json_valid) io.debezium.data.Json, the text;
 *   ENUM io.debezium.data.Enum, SET io.debezium.data.EnumSet, both with `allowed` = members
 *   joined by ',' and the label(s) as value; the invalid ENUM index 0 is '' (Debezium's value).
 */
import { S, type ConnectSchema } from '../../src/events/schema.ts';
import type { BinaryHandlingMode, MySqlScalarMapping, MySqlTypeContext } from './type-options.ts';

export const JSON_NAME = 'io.debezium.data.Json';

/** Java's Base64 URL encoder keeps the '=' padding that Node's base64url drops. */
export function encodeBinary(buf: Buffer, mode: BinaryHandlingMode): Buffer | string {
  switch (mode) {
    case 'bytes': return buf;
    case 'base64': return buf.toString('base64');
    case 'base64-url-safe': {
      const s = buf.toString('base64url');
      return s + '='.repeat((4 - (s.length % 4)) % 4);
    }
    case 'hex': return buf.toString('hex');
  }
}

function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  throw new TypeError(`expected text, got ${typeof v}`);
}

export function stringMapping(): MySqlScalarMapping {
  return { schema: S.string(), convert: asText, zero: '' };
}

/**
 * JSON text without the whitespace between tokens: how Debezium's binlog reader prints MySQL's
 * binary JSON ({"a":1,"b":[1,2]}), where the server and zongji print {"a": 1, "b": [1, 2]}.
 * Whitespace inside string literals stays; escapes are skipped over whole.
 */
export function compactJson(text: string): string {
  if (!/\s/.test(text)) return text;
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch !== ' ' && ch !== '\n' && ch !== '\t' && ch !== '\r') {
      out += ch;
    }
  }
  return out;
}

/**
 * MySQL's native JSON (binary in the binlog, printed by zongji's jsonStrings and by the server in
 * a snapshot) is compacted as Debezium's binlog reader prints it, the same in both phases.
 * MariaDB's JSON is LONGTEXT: its text is the user's own and goes out unchanged, as in Debezium.
 */
export function jsonMapping(ctx?: MySqlTypeContext): MySqlScalarMapping {
  const native = ctx?.column.columnType.toLowerCase() === 'json';
  return {
    schema: S.string({ name: JSON_NAME, version: 1 }),
    // A parsed value (a reader without jsonStrings) is re-serialised.
    convert: (v) => {
      const text = typeof v === 'string' || Buffer.isBuffer(v) ? asText(v) : JSON.stringify(v);
      return native ? compactJson(text) : text;
    },
    zero: '{}',
  };
}

export function binaryMapping(ctx: MySqlTypeContext): MySqlScalarMapping {
  const mode = ctx.opts.binaryHandlingMode;
  const fixed = ctx.column.dataType === 'binary' ? ctx.column.length ?? 0 : 0;
  return {
    schema: mode === 'bytes' ? S.bytes() : S.string(),
    convert: (v) => {
      let buf = Buffer.isBuffer(v) ? v : Buffer.from(asText(v), 'utf8');
      if (buf.length < fixed) {
        const padded = Buffer.alloc(fixed);
        buf.copy(padded);
        buf = padded;
      }
      return encodeBinary(buf, mode);
    },
    zero: mode === 'bytes' ? Buffer.alloc(0) : '',
  };
}

function membersSchema(name: string, members: readonly string[]): ConnectSchema {
  return S.string({ name, version: 1, parameters: { allowed: members.join(',') } });
}

export function enumMapping(ctx: MySqlTypeContext): MySqlScalarMapping {
  return {
    schema: membersSchema('io.debezium.data.Enum', ctx.column.members ?? []),
    // zongji yields undefined for index 0 (the '' MySQL stores for an invalid value in non-strict mode).
    convert: (v) => (v === undefined ? '' : asText(v)),
    zero: '',
  };
}

export function setMapping(ctx: MySqlTypeContext): MySqlScalarMapping {
  return { schema: membersSchema('io.debezium.data.EnumSet', ctx.column.members ?? []), convert: (v) => (v === undefined ? '' : asText(v)), zero: '' };
}
