/**
 * Connect's SingleFieldPath (KIP-821): with field.syntax.version V1 a field name is taken
 * as written; with V2 dots separate nested struct fields and a name containing dots is
 * written between backticks (a backtick inside is doubled... as `a``b` is not supported:
 * Connect only treats a backtick as a quote next to a dot or the ends).
 */
import { defineField } from '../../config/define.ts';
import type { ConnectField, ConnectSchema } from '../../events/schema.ts';
import { fieldValue, findField, type StructValue } from '../schema-util.ts';

export const fieldSyntaxVersion = defineField({
  name: 'field.syntax.version', type: 'string', default: 'V1', enum: ['V1', 'V2'], group: 'Transform', importance: 'high',
  doc: 'V1: field names are taken as written. V2: dots address nested fields, backticks quote a name holding dots.',
});

export function parseFieldPath(path: string, version: string): string[] {
  if (version !== 'V2') return [path];
  const out: string[] = [];
  let i = 0;
  while (i <= path.length) {
    if (path[i] === '`') {
      // A quoted name ends at a backtick followed by a dot or the end.
      let end = i + 1;
      while (end < path.length && !(path[end] === '`' && (end + 1 === path.length || path[end + 1] === '.'))) end++;
      if (end >= path.length) { out.push(path.slice(i)); break; } // unbalanced: literal, as Connect keeps it
      out.push(path.slice(i + 1, end));
      i = end + 2;
    } else {
      const dot = path.indexOf('.', i);
      const end = dot === -1 ? path.length : dot;
      out.push(path.slice(i, end));
      i = end + 1;
    }
    if (i > path.length) break;
  }
  return out;
}

/** The field a path designates in a struct schema, or undefined. */
export function fieldAt(schema: ConnectSchema, path: readonly string[]): ConnectField | undefined {
  let s: ConnectSchema | undefined = schema;
  let f: ConnectField | undefined;
  for (const name of path) {
    if (!s || s.type !== 'struct') return undefined;
    f = findField(s, name);
    s = f?.schema;
  }
  return f;
}

/** The value at a path in a struct (null when an intermediate struct is null). */
export function valueAt(struct: StructValue, schema: ConnectSchema, path: readonly string[], replaceNullWithDefault: boolean): unknown {
  let v: StructValue | null = struct;
  let s = schema;
  for (let i = 0; i < path.length; i++) {
    const f = findField(s, path[i]!);
    if (!f || v === null) return null;
    const x = fieldValue(v, f, replaceNullWithDefault);
    if (i === path.length - 1) return x;
    v = (x ?? null) as StructValue | null;
    s = f.schema;
  }
  return null;
}

/** The value at a path in a schemaless map (object or Map). */
export function mapValueAt(map: unknown, path: readonly string[]): unknown {
  let v: unknown = map;
  for (const name of path) {
    if (v === null || v === undefined) return null;
    v = v instanceof Map ? v.get(name) : (v as Record<string, unknown>)[name];
  }
  return v ?? null;
}
