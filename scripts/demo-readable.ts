/**
 * The demo's view of a decoded change event: what a person reads, from the Avro value and its
 * writer schema. Decimals become numbers with their scale (Avro decimal: big-endian two's
 * complement bytes; Debezium's VariableScaleDecimal: a {scale, value} record), Kafka Connect and
 * Debezium timestamps, dates and times become ISO-8601 text, longs become plain numbers, other
 * bytes hex. Nothing here is used by the daemon; consumers do the same with their own Avro library.
 */

type Schema = string | Schema[] | { type: Schema; name?: string; namespace?: string; fields?: { name: string; type: Schema }[]; items?: Schema; values?: Schema; [k: string]: unknown };

/** A number written as it is (a decimal keeps its scale: 44.90, not 44.9). */
export class NumberText {
  constructor(readonly text: string) {}
}

export function decimalText(bytes: Uint8Array, scale: number): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  if (bytes.length > 0 && bytes[0]! & 0x80) n -= 1n << BigInt(8 * bytes.length); // two's complement
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return neg ? `-${text}` : text;
}

const MS_PER_DAY = 86_400_000;
/** Epoch microseconds -> ISO text with all six fractional digits. */
function microsIso(us: bigint): string {
  const ms = us / 1000n - (us % 1000n < 0n ? 1n : 0n);
  const iso = new Date(Number(ms)).toISOString(); // ...T12:34:56.789Z
  const micro = ((us % 1_000_000n) + 1_000_000n) % 1_000_000n;
  return `${iso.slice(0, 19)}.${micro.toString().padStart(6, '0')}Z`;
}
function timeOfDay(us: bigint): string {
  return microsIso(us).slice(11, 26);
}

/** By Kafka Connect / Debezium semantic type (connect.name), else Avro logicalType. */
function readableScalar(schema: Exclude<Schema, string | Schema[]>, value: unknown, named: Map<string, Schema>): unknown {
  const name = (schema['connect.name'] as string | undefined) ?? '';
  const big = (): bigint => BigInt(value as number | bigint);
  switch (name) {
    case 'org.apache.kafka.connect.data.Timestamp': case 'io.debezium.time.Timestamp': return microsIso(big() * 1000n);
    case 'io.debezium.time.MicroTimestamp': return microsIso(big());
    case 'io.debezium.time.NanoTimestamp': return microsIso(big() / 1000n);
    case 'org.apache.kafka.connect.data.Date': case 'io.debezium.time.Date': return new Date(Number(value) * MS_PER_DAY).toISOString().slice(0, 10);
    case 'org.apache.kafka.connect.data.Time': case 'io.debezium.time.Time': return timeOfDay(big() * 1000n).slice(0, 12);
    case 'io.debezium.time.MicroTime': return timeOfDay(big());
    case 'io.debezium.time.NanoTime': return timeOfDay(big() / 1000n);
    default: break;
  }
  if (schema.logicalType === 'decimal' && value instanceof Uint8Array) {
    const params = schema['connect.parameters'] as Record<string, string> | undefined;
    return new NumberText(decimalText(value, Number(schema.scale ?? params?.scale ?? 0)));
  }
  return walk(schema.type, value, named);
}

/** Every named type of a schema, by short and full name (a later reference is just the name). */
function indexNames(schema: Schema, named: Map<string, Schema>, namespace = ''): Map<string, Schema> {
  if (Array.isArray(schema)) { for (const b of schema) indexNames(b, named, namespace); return named; }
  if (typeof schema === 'string') return named;
  let ns = namespace;
  if (typeof schema.name === 'string') {
    const full = schema.name.includes('.') ? schema.name : schema.namespace ? `${schema.namespace}.${schema.name}` : ns ? `${ns}.${schema.name}` : schema.name;
    ns = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '';
    named.set(full, schema);
    named.set(full.split('.').pop()!, schema);
  }
  if (typeof schema.type === 'object') indexNames(schema.type, named, ns);
  for (const f of schema.fields ?? []) indexNames(f.type, named, ns);
  if (schema.items) indexNames(schema.items, named, ns);
  if (schema.values) indexNames(schema.values, named, ns);
  return named;
}

/** value, decoded with its writer schema, as a person reads it. */
export function readable(schema: Schema, value: unknown): unknown {
  return walk(schema, value, indexNames(schema, new Map()));
}

function walk(schema: Schema, value: unknown, named: Map<string, Schema>): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(schema)) {
    const branches = schema.filter((b) => b !== 'null');
    // avsc unwraps a union with one non-null branch; a wrapped one is {branchName: value}.
    if (branches.length === 1) return walk(branches[0]!, value, named);
    const [[key, inner]] = Object.entries(value as object) as [[string, unknown]];
    const branchName = (b: Schema): string => (typeof b === 'string' ? b : Array.isArray(b) ? '' : typeof b.name === 'string' ? b.name : typeof b.type === 'string' ? b.type : '');
    const branch = branches.find((b) => key === branchName(b) || key.endsWith(`.${branchName(b)}`));
    return walk(branch ?? key, inner, named);
  }
  if (typeof schema === 'string') {
    const ref = named.get(schema) ?? named.get(schema.split('.').pop()!);
    if (ref) return walk(ref, value, named);
    if (typeof value === 'bigint') return new NumberText(value.toString());
    if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`;
    return value;
  }
  if (schema.type === 'record' && schema.fields) {
    const rec = value as Record<string, unknown>;
    if (schema['connect.name'] === 'io.debezium.data.VariableScaleDecimal' && rec.value instanceof Uint8Array) {
      return new NumberText(decimalText(rec.value, Number(rec.scale)));
    }
    return Object.fromEntries(schema.fields.map((f) => [f.name, walk(f.type, rec[f.name], named)]));
  }
  if (schema.type === 'array') return (value as unknown[]).map((v) => walk(schema.items!, v, named));
  if (schema.type === 'map') return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, walk(schema.values!, v, named)]));
  if (schema.type === 'enum' || schema.type === 'fixed') return value instanceof Uint8Array ? `0x${Buffer.from(value).toString('hex')}` : value;
  return readableScalar(schema, value, named);
}

/** JSON-like text of a readable value: numbers (decimals with their scale) unquoted. */
export function render(v: unknown): string {
  if (v instanceof NumberText) return v.text;
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(render).join(',')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${render(x)}`).join(',')}}`;
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v);
}

/** "12.3 MB" from bytes. */
export function bytesText(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let x = n;
  while (Math.abs(x) >= 1000 && i < units.length - 1) { x /= 1000; i++; }
  return i === 0 ? `${x} B` : `${x.toFixed(1)} ${units[i]}`;
}
