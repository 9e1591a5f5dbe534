/**
 * avsc (the JavaScript Avro library we encode with) checks every part of a full
 * name against [A-Za-z_][A-Za-z0-9_]*, namespaces included. Java Avro never checks a
 * namespace, so Debezium + AvroConverter register schemas such as record "Value" in
 * namespace "orders-db.public.orders" (topic.prefix "orders-db",
 * schema.name.adjustment.mode=none). The registered text stays exactly that; only
 * the copy handed to avsc gets such namespace parts renamed, consistently in
 * namespaces, record names and type references. Names never reach the binary
 * encoding, so the bytes are the same.
 */
const AVSC_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const COMPLEX = new Set(['record', 'error', 'enum', 'fixed', 'array', 'map']);

/** A part avsc refuses becomes "avsc_" + its UTF-8 bytes in hex: distinct parts stay distinct. */
function safePart(part: string): string {
  return AVSC_NAME.test(part) ? part : `avsc_${Buffer.from(part, 'utf8').toString('hex')}`;
}

function safeNamespace(ns: string): string {
  return ns.split('.').map(safePart).join('.');
}

/** "a-b.c.Name" -> namespace parts made safe; the name itself is left to avsc's own check. */
function safeFullName(full: string): string {
  const dot = full.lastIndexOf('.');
  return dot < 0 ? full : `${safeNamespace(full.slice(0, dot))}${full.slice(dot)}`;
}

function safeType(t: unknown): unknown {
  if (typeof t === 'string') return PRIMITIVES.has(t) ? t : safeFullName(t);
  if (Array.isArray(t)) return t.map(safeType);
  if (t === null || typeof t !== 'object') return t;
  const o = t as Record<string, unknown>;
  const out: Record<string, unknown> = { ...o };
  if (typeof o['namespace'] === 'string') out['namespace'] = safeNamespace(o['namespace']);
  const named = o['type'] === 'record' || o['type'] === 'error' || o['type'] === 'enum' || o['type'] === 'fixed';
  if (named && typeof o['name'] === 'string') out['name'] = safeFullName(o['name']);
  if (Array.isArray(o['fields'])) {
    out['fields'] = (o['fields'] as Record<string, unknown>[]).map((f) => ({ ...f, type: safeType(f['type']) }));
  }
  if ('items' in o) out['items'] = safeType(o['items']);
  if ('values' in o) out['values'] = safeType(o['values']);
  // {"type": <schema or reference>} wrappers, e.g. {"type": "ns.Name", "connect.name": ...}
  if (!named && !COMPLEX.has(o['type'] as string) && o['type'] !== undefined) out['type'] = safeType(o['type']);
  return out;
}

/** The parsed schema, as avsc will accept it when only namespaces are in the way. */
export function avscSafeSchema(schema: unknown): unknown {
  return safeType(schema);
}
