/**
 * io.debezium.transforms.HeaderToValue: copies (or moves) record headers into value fields
 * (shared/reference/transforms.md §7.5). `headers[i]` goes to `fields[i]`; a dotted field
 * name goes into the existing struct field it names (e.g. source.trace_id). The new field
 * takes the header's schema; the rebuilt top-level struct is required, as Connect's
 * copySchemaBasics makes it, nested structs keep their optionality. Fields are added in the
 * order of the record's headers (as Debezium walks them); a listed key that the record
 * carries twice would add its field twice, which Connect's SchemaBuilder refuses: so does this.
 */
import { ConfigDef, defineField } from '../../config/define.ts';
import type { RecordHeader, SourceRecord } from '../../events/record.ts';
import { withoutHeaderKeys } from '../../events/headers.ts';
import { S, type ConnectSchema } from '../../events/schema.ts';
import { TransformError, type Transformation, type TransformationPlugin } from '../contracts.ts';
import { copyStructSchema, requireStruct, type StructValue } from '../schema-util.ts';

const group = 'HeaderToValue';
const noBlanks = (v: readonly string[]): true | string => v.every((x) => x !== '' && !/\s/.test(x)) || 'entries must be non-empty and contain no spaces';

export const headerToValueConfig = new ConfigDef([
  defineField({ name: 'headers', type: 'list', group, importance: 'high', check: (v, all) => {
    const fields = all.value('fields') as readonly string[] | undefined;
    if (fields && fields.length !== v.length) return `headers and fields must list as many entries (${v.length} headers, ${fields.length} fields)`;
    return noBlanks(v);
  }, doc: 'Header names to copy into the value.' }),
  defineField({ name: 'fields', type: 'list', group, importance: 'high', check: noBlanks, doc: 'Value field names receiving the headers, in the same order (dotted = inside a struct field).' }),
  defineField({ name: 'operation', type: 'string', enum: ['copy', 'move'], group, importance: 'high', doc: 'copy keeps the headers, move removes them.' }),
]);

/** A header without a schema is taken as Connect's optional string. */
const headerSchema = (h: RecordHeader): ConnectSchema => h.schema ?? S.optional(S.string());

export class HeaderToValue implements Transformation {
  readonly #cache = new WeakMap<ConnectSchema, Map<string, ConnectSchema>>();
  readonly #fieldOf: ReadonlyMap<string, string>;
  readonly #listed: ReadonlySet<string>;
  constructor(headers: readonly string[], fields: readonly string[], private readonly move: boolean) {
    // The first position of a header name decides its field (Debezium: List.indexOf).
    const fieldOf = new Map<string, string>();
    headers.forEach((h, i) => { if (!fieldOf.has(h)) fieldOf.set(h, fields[i]!); });
    this.#fieldOf = fieldOf;
    this.#listed = new Set(headers);
  }

  apply(record: SourceRecord): SourceRecord | null {
    if (record.value === null || record.value === undefined || !record.headers) return record;
    const matched: { field: string; h: RecordHeader }[] = [];
    for (const h of record.headers) {
      const field = this.#fieldOf.get(h.key);
      if (field !== undefined) matched.push({ field, h });
    }
    if (matched.length === 0) return record;
    if (!record.valueSchema || record.valueSchema.type !== 'struct') throw new TransformError(`Only Struct objects supported for [header to value], found: ${typeof record.value}`);
    for (let i = 1; i < matched.length; i++) {
      const first = matched.findIndex((o) => o.field === matched[i]!.field);
      if (first === i) continue;
      const which = matched[first]!.h.key === matched[i]!.h.key ? `the record has header ${matched[i]!.h.key} more than once` : `headers ${matched[first]!.h.key} and ${matched[i]!.h.key} both go to it`;
      throw new TransformError(`Cannot create field because of field name duplication ${matched[i]!.field} (${which})`);
    }
    const value = requireStruct(record.value, 'header to value');
    const schema = this.#schema(record.valueSchema, matched.map((m) => ({ path: m.field.split('.'), schema: headerSchema(m.h) })));
    const out = structuredCopy(value);
    for (const m of matched) setPath(out, m.field.split('.'), m.h.value);
    const headers = this.move ? withoutHeaderKeys(record.headers, this.#listed) : record.headers;
    return { ...record, valueSchema: schema, value: out, headers };
  }

  #schema(input: ConnectSchema, adds: { path: string[]; schema: ConnectSchema }[]): ConnectSchema {
    const key = adds.map((a) => `${a.path.join('.')}=${JSON.stringify(a.schema)}`).join(',');
    let m = this.#cache.get(input);
    if (!m) this.#cache.set(input, (m = new Map()));
    let out = m.get(key);
    if (!out) {
      out = input;
      for (const a of adds) out = withField(out, a.path, a.schema);
      out = copyStructSchema(input, out.fields ?? []);
      if (m.size > 100) m.clear();
      m.set(key, out);
    }
    return out;
  }
}

function withField(struct: ConnectSchema, path: string[], schema: ConnectSchema): ConnectSchema {
  const [head, ...rest] = path as [string, ...string[]];
  const fields = [...(struct.fields ?? [])];
  const i = fields.findIndex((f) => f.name === head);
  if (rest.length === 0) {
    if (i >= 0) fields[i] = S.field(head, schema);
    else fields.push(S.field(head, schema));
  } else {
    if (i < 0 || fields[i]!.schema.type !== 'struct') throw new TransformError(`Unknown field: ${head} (HeaderToValue writes dotted fields into an existing struct field)`);
    fields[i] = S.field(head, withField(fields[i]!.schema, rest, schema));
  }
  return { ...struct, fields };
}

function structuredCopy(v: StructValue): StructValue {
  return { ...v };
}

function setPath(target: StructValue, path: string[], value: unknown): void {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const inner = target[head];
  if (inner === null || inner === undefined) return; // a null struct stays null
  const copy = { ...(inner as StructValue) };
  target[head] = copy;
  setPath(copy, rest, value);
}

export const headerToValuePlugin: TransformationPlugin = {
  kind: 'transformation',
  className: 'io.debezium.transforms.HeaderToValue',
  aliases: [],
  version: '3.6.1.Final',
  configDef: headerToValueConfig,
  doc: 'Copies or moves record headers into fields of the value.',
  create: (c) => new HeaderToValue(c.getList('headers')!, c.getList('fields')!, c.getString('operation') === 'move'),
};
