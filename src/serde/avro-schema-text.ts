/**
 * The Avro schema tree we build from Connect schemas, and its text form laid out
 * the way Apache Avro's Java Schema#toString lays it out, because that text is
 * what Confluent's serializer registers:
 *   record: type, name, namespace (only when it differs from the enclosing
 *           one), doc, fields, then custom props in insertion order;
 *   field:  name, type, doc, default;
 *   array:  type, items, props;  map: type, values, props;
 *   primitive: bare "long" without props, {"type":"long",...props} with them;
 *   a named record seen before is written as its name, short when its
 *   namespace is the enclosing one.
 * Equality of two definitions ignores docs, as Avro's Schema#equals does.
 */
import { JsonObject, writeJson, type JsonValue } from './json-text.ts';

export type AvroPrimitiveType = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

export interface AvroPrimitiveNode { readonly kind: 'primitive'; readonly type: AvroPrimitiveType; readonly props: JsonObject }
export interface AvroArrayNode { readonly kind: 'array'; readonly items: AvroNode; readonly props: JsonObject }
export interface AvroMapNode { readonly kind: 'map'; readonly values: AvroNode; readonly props: JsonObject }
export interface AvroUnionNode { readonly kind: 'union'; readonly branches: readonly AvroNode[] }
export interface AvroRecordNode {
  readonly kind: 'record';
  readonly name: string;
  readonly namespace: string | null;
  readonly doc: string | null;
  readonly fields: AvroFieldNode[];
  readonly props: JsonObject;
}
export interface AvroFieldNode {
  readonly name: string;
  readonly type: AvroNode;
  readonly doc: string | null;
  /** undefined = no default (null is the JSON null default). */
  readonly default?: JsonValue;
}
export type AvroNode = AvroPrimitiveNode | AvroArrayNode | AvroMapNode | AvroUnionNode | AvroRecordNode;

export function recordFullName(r: Pick<AvroRecordNode, 'name' | 'namespace'>): string {
  return r.namespace ? `${r.namespace}.${r.name}` : r.name;
}

/**
 * Adds a prop the way Avro's JsonProperties#addProp does: the first value wins,
 * an equal second value is a no-op, a different one is a programming error.
 */
export function addProp(props: JsonObject, key: string, value: JsonValue): void {
  const existing = props.get(key);
  if (existing === undefined) {
    props.entries.push([key, value]);
    return;
  }
  if (writeJson(existing) !== writeJson(value)) {
    throw new Error(`Avro property ${key} already set to ${writeJson(existing)}, cannot overwrite with ${writeJson(value)}`);
  }
}

const PRIMITIVE_NAMES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

interface WriteContext {
  space: string | null;
  readonly defined: Map<string, AvroRecordNode>;
}

/** Compact schema text, byte-for-byte what Avro Java's Schema#toString() prints. */
export function writeAvroSchema(node: AvroNode): string {
  const out: string[] = [];
  writeNode(node, { space: null, defined: new Map() }, out);
  return out.join('');
}

function writeNode(node: AvroNode, ctx: WriteContext, out: string[]): void {
  switch (node.kind) {
    case 'primitive':
      if (node.props.entries.length === 0) out.push(JSON.stringify(node.type));
      else {
        out.push(`{"type":${JSON.stringify(node.type)}`);
        writeProps(node.props, out);
        out.push('}');
      }
      return;
    case 'array':
      out.push('{"type":"array","items":');
      writeNode(node.items, ctx, out);
      writeProps(node.props, out);
      out.push('}');
      return;
    case 'map':
      out.push('{"type":"map","values":');
      writeNode(node.values, ctx, out);
      writeProps(node.props, out);
      out.push('}');
      return;
    case 'union':
      out.push('[');
      node.branches.forEach((b, i) => {
        if (i > 0) out.push(',');
        writeNode(b, ctx, out);
      });
      out.push(']');
      return;
    case 'record':
      writeRecord(node, ctx, out);
  }
}

function writeRecord(node: AvroRecordNode, ctx: WriteContext, out: string[]): void {
  const full = recordFullName(node);
  const seen = ctx.defined.get(full);
  if (seen) {
    if (seen !== node && !avroNodesEqual(seen, node)) {
      // Avro Java refuses the same way ("Can't redefine"); two Connect structs
      // share a name but not a shape.
      throw new Error(`two different Avro records are named ${full}`);
    }
    out.push(JSON.stringify(qualifiedName(node, ctx.space)));
    return;
  }
  ctx.defined.set(full, node);
  const savedSpace = ctx.space;
  out.push(`{"type":"record","name":${JSON.stringify(node.name)}`);
  if (node.namespace !== null) {
    if (node.namespace !== ctx.space) out.push(`,"namespace":${JSON.stringify(node.namespace)}`);
  } else if (ctx.space !== null) {
    out.push(',"namespace":""'); // a namespace-less record inside a namespaced one
  }
  ctx.space = node.namespace;
  if (node.doc !== null) out.push(`,"doc":${JSON.stringify(node.doc)}`);
  out.push(',"fields":[');
  node.fields.forEach((f, i) => {
    if (i > 0) out.push(',');
    out.push(`{"name":${JSON.stringify(f.name)},"type":`);
    writeNode(f.type, ctx, out);
    if (f.doc !== null) out.push(`,"doc":${JSON.stringify(f.doc)}`);
    if (f.default !== undefined) out.push(`,"default":${writeJson(f.default)}`);
    out.push('}');
  });
  out.push(']');
  writeProps(node.props, out);
  out.push('}');
  ctx.space = savedSpace;
}

function writeProps(props: JsonObject, out: string[]): void {
  for (const [k, v] of props.entries) out.push(`,${JSON.stringify(k)}:${writeJson(v)}`);
}

function qualifiedName(node: AvroRecordNode, space: string | null): string {
  if (node.namespace === null) return node.name;
  // A short name equal to a primitive would be read as the primitive.
  if (node.namespace === space && !PRIMITIVE_NAMES.has(node.name)) return node.name;
  return recordFullName(node);
}

/** Structural equality as Avro's Schema#equals: names, props, fields, defaults; docs ignored. */
export function avroNodesEqual(a: AvroNode, b: AvroNode): boolean {
  return structuralKey(a, new Set()) === structuralKey(b, new Set());
}

function structuralKey(n: AvroNode, stack: Set<AvroNode>): string {
  switch (n.kind) {
    case 'primitive': return `${n.type}${writeJson(n.props)}`;
    case 'array': return `array<${structuralKey(n.items, stack)}>${writeJson(n.props)}`;
    case 'map': return `map<${structuralKey(n.values, stack)}>${writeJson(n.props)}`;
    case 'union': return `union<${n.branches.map((b) => structuralKey(b, stack)).join('|')}>`;
    case 'record': {
      if (stack.has(n)) return `ref:${recordFullName(n)}`;
      stack.add(n);
      const fields = n.fields.map((f) => `${f.name}:${structuralKey(f.type, stack)}=${f.default === undefined ? '-' : writeJson(f.default)}`);
      stack.delete(n);
      return `record:${recordFullName(n)}{${fields.join(',')}}${writeJson(n.props)}`;
    }
  }
}
