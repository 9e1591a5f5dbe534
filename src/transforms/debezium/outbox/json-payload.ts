/**
 * table.expand.json.payload: a JSON text payload becomes a Connect struct with a schema
 * inferred from the document, as Debezium's JsonSchemaData does (reference §7.3):
 * objects become OPTIONAL structs named by their path (`payload`, `payload.items`),
 * integers OPTIONAL INT32 or INT64 by magnitude, other numbers OPTIONAL FLOAT64, strings
 * and booleans their optional types; JSON nulls and empty arrays are left out unless
 * table.json.payload.null.behavior / .empty.array.behavior keep them (as optional bytes /
 * an optional array of optional strings).
 */
import { S, type ConnectField, type ConnectSchema } from '../../../events/schema.ts';

export interface JsonPayloadOptions {
  readonly nullAsOptionalBytes: boolean;
  readonly emptyArrayAsOptionalString: boolean;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Schema and value of a parsed document; undefined schema = the node is left out. */
export function expandJson(doc: unknown, name: string, o: JsonPayloadOptions): { schema: ConnectSchema; value: unknown } | undefined {
  const schema = schemaOf(doc, name, o);
  return schema ? { schema, value: valueOf(doc, schema) } : undefined;
}

function schemaOf(node: unknown, path: string, o: JsonPayloadOptions): ConnectSchema | undefined {
  if (node === null) return o.nullAsOptionalBytes ? S.optional(S.bytes()) : undefined;
  switch (typeof node) {
    case 'string': return S.optional(S.string());
    case 'boolean': return S.optional(S.boolean());
    case 'number':
      if (!Number.isInteger(node)) return S.optional(S.float64());
      return node >= INT32_MIN && node <= INT32_MAX ? S.optional(S.int32()) : S.optional(S.int64());
    default:
      break;
  }
  if (Array.isArray(node)) {
    if (node.length === 0) return o.emptyArrayAsOptionalString ? S.optional(S.array(S.optional(S.string()))) : undefined;
    const items = arrayItemSchema(node, path, o);
    return items ? S.optional(S.array(items)) : undefined;
  }
  const fields: ConnectField[] = [];
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    const s = schemaOf(v, `${path}.${k}`, o);
    if (s) fields.push(S.field(k, s));
  }
  return S.optional(S.struct(path, fields));
}

/** Arrays of documents get one struct holding every field seen in any element; other arrays take the first element's type. */
function arrayItemSchema(items: unknown[], path: string, o: JsonPayloadOptions): ConnectSchema | undefined {
  const docs = items.filter((i) => i !== null && typeof i === 'object' && !Array.isArray(i)) as Record<string, unknown>[];
  if (docs.length === 0) return schemaOf(items.find((i) => i !== null) ?? null, path, o);
  const fields = new Map<string, ConnectSchema>();
  for (const d of docs) {
    for (const [k, v] of Object.entries(d)) {
      if (fields.has(k)) continue;
      const s = schemaOf(v, `${path}.${k}`, o);
      if (s) fields.set(k, s);
    }
  }
  return S.optional(S.struct(path, [...fields].map(([k, s]) => S.field(k, s))));
}

function valueOf(node: unknown, schema: ConnectSchema): unknown {
  if (node === null || node === undefined) return null;
  switch (schema.type) {
    case 'struct': {
      const out: Record<string, unknown> = {};
      for (const f of schema.fields ?? []) out[f.name] = valueOf((node as Record<string, unknown>)[f.name], f.schema);
      return out;
    }
    case 'array':
      return (node as unknown[]).map((i) => valueOf(i, schema.items!));
    case 'int64':
      return BigInt(node as number);
    case 'bytes':
      return null;
    case 'string':
      return typeof node === 'string' ? node : JSON.stringify(node);
    default:
      return node;
  }
}

/**
 * A string payload parsed as JSON, or why it is not: Debezium parses only text that starts
 * (without leading spaces) with `{` or `[`. The reason never quotes the payload, since it is
 * logged (an event payload may hold personal data).
 */
export function parseJsonPayload(text: string): { doc: unknown } | { reason: string } {
  if (!text.startsWith('{') && !text.startsWith('[')) return { reason: text === '' ? 'the payload is empty' : 'the payload does not start with { or [' };
  try {
    return { doc: JSON.parse(text) };
  } catch (err) {
    return { reason: `${(err as Error).name}: the payload is not valid JSON` };
  }
}
