/**
 * A short, human-readable difference between two Avro schemas (registered vs
 * new), to explain a registry's "incompatible" answer: which fields appeared,
 * vanished or changed type, walking into nested records (before/after rows,
 * source). Not a compatibility checker: the registry stays the judge.
 */

export interface SchemaChange {
  /** Dotted field path from the root record, e.g. "after.amount". */
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'type-changed' | 'default-changed';
  readonly detail: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

interface Named { readonly byName: Map<string, Obj> }

export function diffAvroSchemas(oldText: string, newText: string): SchemaChange[] {
  const before = JSON.parse(oldText) as Json;
  const after = JSON.parse(newText) as Json;
  const a: Named = { byName: new Map() };
  const b: Named = { byName: new Map() };
  collectNamed(before, null, a);
  collectNamed(after, null, b);
  const changes: SchemaChange[] = [];
  compare(before, after, '', a, b, changes, new Set());
  return changes;
}

/** One line per change, for error messages. */
export function describeChanges(changes: readonly SchemaChange[], limit = 10): string {
  if (changes.length === 0) return 'no field-level difference found (check record names, logical types and properties)';
  const lines = changes.slice(0, limit).map((c) => `${c.path}: ${c.detail}`);
  if (changes.length > limit) lines.push(`... and ${changes.length - limit} more`);
  return lines.join('; ');
}

function compare(x: Json, y: Json, path: string, a: Named, b: Named, out: SchemaChange[], seen: Set<string>): void {
  const rx = recordOf(x, a);
  const ry = recordOf(y, b);
  if (rx && ry) {
    // A record reused by name (before/after share Value) is reported once, at its first path.
    const key = String(ry['name']);
    if (seen.has(key)) return;
    seen.add(key);
    const fx = fieldsOf(rx);
    const fy = fieldsOf(ry);
    for (const [name, f] of fy) {
      const p = path ? `${path}.${name}` : name;
      const old = fx.get(name);
      if (!old) {
        const req = 'default' in f ? `default ${JSON.stringify(f['default'])}` : 'no default';
        out.push({ path: p, kind: 'added', detail: `field added (${label(f['type']!, b)}, ${req})` });
        continue;
      }
      const lx = label(old['type']!, a);
      const ly = label(f['type']!, b);
      if (lx !== ly) out.push({ path: p, kind: 'type-changed', detail: `type changed from ${lx} to ${ly}` });
      else if (JSON.stringify(old['default']) !== JSON.stringify(f['default'])) {
        out.push({ path: p, kind: 'default-changed', detail: `default changed from ${show(old['default'])} to ${show(f['default'])}` });
      }
      compare(old['type']!, f['type']!, p, a, b, out, seen);
    }
    for (const [name, f] of fx) {
      if (!fy.has(name)) out.push({ path: path ? `${path}.${name}` : name, kind: 'removed', detail: `field removed (was ${label(f['type']!, a)})` });
    }
  }
}

/** The record inside a schema, looking through ["null", record] and name references. */
function recordOf(t: Json, n: Named): Obj | undefined {
  if (typeof t === 'string') return n.byName.get(t) ?? n.byName.get(t.slice(t.lastIndexOf('.') + 1));
  if (Array.isArray(t)) {
    const branches = t.filter((x) => x !== 'null');
    return branches.length === 1 ? recordOf(branches[0]!, n) : undefined;
  }
  if (t && typeof t === 'object' && t['type'] === 'record') return t;
  return undefined;
}

function fieldsOf(r: Obj): Map<string, Obj> {
  const fields = (Array.isArray(r['fields']) ? r['fields'] : []) as Obj[];
  return new Map(fields.map((f) => [String(f['name']), f]));
}

function collectNamed(t: Json, ns: string | null, n: Named): void {
  if (Array.isArray(t)) {
    t.forEach((x) => collectNamed(x, ns, n));
    return;
  }
  if (!t || typeof t !== 'object') return;
  if (t['type'] === 'record') {
    const name = String(t['name']);
    const space = typeof t['namespace'] === 'string' ? t['namespace'] || null : name.includes('.') ? null : ns;
    const full = name.includes('.') || !space ? name : `${space}.${name}`;
    n.byName.set(full, t);
    if (!n.byName.has(name)) n.byName.set(name, t);
    for (const f of (t['fields'] ?? []) as Obj[]) collectNamed(f['type']!, space, n);
    return;
  }
  if (t['items'] !== undefined) collectNamed(t['items'], ns, n);
  if (t['values'] !== undefined) collectNamed(t['values'], ns, n);
}

/** Compact type text: "long", "optional string (io.debezium.data.Enum)", "array<int>", record names. */
function label(t: Json, n: Named): string {
  if (typeof t === 'string') return n.byName.has(t) ? shortName(t) : t;
  if (Array.isArray(t)) {
    const nonNull = t.filter((x) => x !== 'null');
    if (nonNull.length === 1 && nonNull.length < t.length) return `optional ${label(nonNull[0]!, n)}`;
    return t.map((x) => label(x, n)).join('|');
  }
  if (!t || typeof t !== 'object') return String(t);
  const type = String(t['type']);
  if (type === 'record') return shortName(String(t['name'])); // references are short or full: compare short
  if (type === 'array') return `array<${label(t['items']!, n)}>`;
  if (type === 'map') return `map<${label(t['values']!, n)}>`;
  const logical = t['logicalType'] === 'decimal' ? `decimal(${String(t['precision'])},${String(t['scale'])})` : t['logicalType'];
  const named = logical ?? t['connect.name'] ?? t['connect.type'];
  return named !== undefined ? `${type} (${String(named)})` : type;
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function show(v: Json | undefined): string {
  return v === undefined ? 'none' : JSON.stringify(v);
}
