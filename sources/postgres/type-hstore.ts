/**
 * hstore: hstore.handling.mode=json -> io.debezium.data.Json string, map -> MAP<STRING, optional STRING>.
 * Debezium parses with pgjdbc's HStoreConverter into a java.util.HashMap and serialises with
 * Jackson, so the key order of its output is HashMap iteration order, not the text order:
 * `"key4"=>"val4", "key5"=>NULL` becomes {"key5":null,"key4":"val4"}. We reproduce that order
 * (String.hashCode, HashMap's hash spreading, power-of-two tables, order-preserving resize) so
 * that the JSON text, and the order of Avro map entries, is byte-identical.
 * Not reproduced: buckets that HashMap turns into trees (9+ keys colliding in one bucket of a
 * table of 64+ slots), where Java's order depends on tree insertion.
 */
import { S, type ConnectSchema } from '../../src/events/schema.ts';
import { parseHstore } from './pg-text.ts';
import type { ScalarContext, ScalarMapping } from './type-options.ts';
import { JSON_SCHEMA_NAME } from './type-textual.ts';

/** java.lang.String.hashCode over UTF-16 code units. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

interface Node<V> { readonly hash: number; readonly key: string; value: V }

/** Entries in the order a java.util.HashMap filled with them (in this order) iterates. */
export function javaHashMapOrder<V>(entries: readonly (readonly [string, V])[]): [string, V][] {
  let cap = 16;
  let table: Node<V>[][] = Array.from({ length: cap }, () => []);
  let size = 0;
  const resize = () => {
    const oldCap = cap;
    cap *= 2;
    const next: Node<V>[][] = Array.from({ length: cap }, () => []);
    for (let j = 0; j < oldCap; j++) {
      for (const node of table[j]!) next[(node.hash & oldCap) === 0 ? j : j + oldCap]!.push(node);
    }
    table = next;
  };
  for (const [key, value] of entries) {
    const h0 = javaStringHash(key);
    const hash = h0 ^ (h0 >>> 16);
    const bucket = table[hash & (cap - 1)]!;
    const existing = bucket.find((n) => n.key === key);
    if (existing) {
      existing.value = value;
      continue;
    }
    bucket.push({ hash, key, value });
    // treeifyBin: with fewer than 64 slots HashMap grows instead of building a tree.
    if (bucket.length > 8 && cap < 64) resize();
    if (++size > cap * 0.75) resize();
  }
  const out: [string, V][] = [];
  for (const bucket of table) for (const n of bucket) out.push([n.key, n.value]);
  return out;
}

/** Jackson's default string escaping: short escapes for \b \t \n \f \r, \u00XX (upper-case) for other controls. */
export function jacksonQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20) out += s[i];
    else if (c === 0x08) out += '\\b';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0d) out += '\\r';
    else out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `${out}"`;
}

export function hstoreJson(entries: readonly (readonly [string, string | null])[]): string {
  return `{${javaHashMapOrder(entries).map(([k, v]) => `${jacksonQuote(k)}:${v === null ? 'null' : jacksonQuote(v)}`).join(',')}}`;
}

export const HSTORE_MAP_SCHEMA: ConnectSchema = S.map(S.string(), S.optional(S.string()));

export function hstoreMapping(ctx: ScalarContext): ScalarMapping {
  if (ctx.opts.hstoreHandlingMode === 'map') {
    return {
      schema: HSTORE_MAP_SCHEMA,
      parse: (text) => new Map(javaHashMapOrder(parseHstore(text))),
      zero: new Map(),
      toastValue: (ph) => new Map([[ph, ph]]),
    };
  }
  return {
    schema: S.string({ name: JSON_SCHEMA_NAME, version: 1 }),
    parse: (text) => hstoreJson(parseHstore(text)),
    zero: '{}',
    toastValue: (ph) => hstoreJson([[ph, ph]]),
  };
}
