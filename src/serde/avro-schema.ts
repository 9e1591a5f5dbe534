/**
 * Connect schema -> Avro schema, following Confluent's AvroData#fromConnectSchema
 * with its defaults (connect.meta.data=true, enhanced.avro.schema.support=false,
 * scrub.invalid.names=false, generalized.sum.type.support=false), so the text we
 * register is the text Debezium + AvroConverter register, and both land on the
 * same Schema Registry ids. Property order is part of that text:
 *   [scale, precision] connect.doc, connect.version, connect.parameters,
 *   connect.default, connect.name, connect.type, logicalType, avro* params.
 * Layout of the text itself lives in avro-schema-text.ts; defaults in avro-defaults.ts.
 * Not covered (Debezium never produces them): io.confluent.connect.avro.Union
 * structs, Avro enums/fixed round-tripped through Connect parameters.
 */
import type { ConnectSchema } from '../events/schema.ts';
import { ConfigError, SinkError } from '../errors/cdc-error.ts';
import { JsonNumber, JsonObject, type JsonValue } from './json-text.ts';
import { addProp, recordFullName, writeAvroSchema, type AvroFieldNode, type AvroNode, type AvroRecordNode } from './avro-schema-text.ts';
import { connectDefaultJson, isValidAvroDefault } from './avro-defaults.ts';
import { connectSchemaKey } from './connect-schema-key.ts';

export const CONNECT_AVRO_NAMESPACE = 'io.confluent.connect.avro';
const DECIMAL = 'org.apache.kafka.connect.data.Decimal';
const LOGICAL_TYPES: Readonly<Record<string, string>> = {
  'org.apache.kafka.connect.data.Date': 'date',
  'org.apache.kafka.connect.data.Time': 'time-millis',
  'org.apache.kafka.connect.data.Timestamp': 'timestamp-millis',
};
const DEFAULT_DECIMAL_PRECISION = 64;
const FIELD_DEFAULT_FLAG = `${CONNECT_AVRO_NAMESPACE}.field.default`;
const RECORD_DOC_PARAM = `${CONNECT_AVRO_NAMESPACE}.record.doc`;
const FIELD_DOC_PARAM_PREFIX = `${CONNECT_AVRO_NAMESPACE}.field.doc.`;
/** Character classes of Java's Character.isLetter / isDigit, which Avro Java's name check uses. */
const JAVA_LETTER = /^\p{L}$/u;
const JAVA_DIGIT = /^\p{Nd}$/u;

export interface AvroSchemaConversion {
  /** Exact schema text, as Avro Java's Schema#toString() prints it. */
  readonly text: string;
  readonly root: AvroNode;
  /** What RecordNameStrategy names the subject after: record full name, else the type name. */
  readonly fullName: string;
  /** Field defaults Avro would refuse, dropped as AvroData drops them (it logs a warning). */
  readonly warnings: readonly string[];
}

interface Context {
  unnamedIndex: number;
  /** Non-optional Connect schemas already converted, by shape (AvroData's schemaMap). */
  readonly byShape: Map<string, AvroNode>;
  /** Struct name -> record, reused wherever the name reappears (AvroData's cycleReferences). */
  readonly byName: Map<string, AvroRecordNode>;
  readonly warnings: string[];
  readonly path: string[];
}

export function connectToAvro(schema: ConnectSchema): AvroSchemaConversion {
  const ctx: Context = { unnamedIndex: 0, byShape: new Map(), byName: new Map(), warnings: [], path: [] };
  const root = convert(schema, ctx, false);
  let text: string;
  try {
    text = writeAvroSchema(root);
  } catch (err) {
    throw new SinkError({
      code: 'CDC_AVRO_SCHEMA_INVALID', cause: err,
      what: `cannot build an Avro schema from Connect schema ${schema.name ?? schema.type}: ${(err as Error).message}`,
      fix: 'give structurally different structs different names',
    });
  }
  const fullName = root.kind === 'record' ? recordFullName(root) : root.kind === 'primitive' ? root.type : root.kind;
  return { text, root, fullName, warnings: ctx.warnings };
}

/** The Avro schema text alone. */
export function avroSchemaText(schema: ConnectSchema): string {
  return connectToAvro(schema).text;
}

function convert(schema: ConnectSchema, ctx: Context, ignoreOptional: boolean): AvroNode {
  const shape = schema.optional ? undefined : connectSchemaKey(schema);
  if (shape !== undefined) {
    const cached = ctx.byShape.get(shape);
    if (cached) return cached;
  }
  const props = new JsonObject();
  let connectType: string | undefined;
  let base: AvroNode;
  switch (schema.type) {
    case 'int8': case 'int16':
      connectType = schema.type; // Avro has no 8/16-bit ints; the prop restores the Connect type
      base = { kind: 'primitive', type: 'int', props };
      break;
    case 'int32': base = { kind: 'primitive', type: 'int', props }; break;
    case 'int64': base = { kind: 'primitive', type: 'long', props }; break;
    case 'float32': base = { kind: 'primitive', type: 'float', props }; break;
    case 'float64': base = { kind: 'primitive', type: 'double', props }; break;
    case 'boolean': base = { kind: 'primitive', type: 'boolean', props }; break;
    case 'string': base = { kind: 'primitive', type: 'string', props }; break;
    case 'bytes':
      base = { kind: 'primitive', type: 'bytes', props };
      if (schema.name === DECIMAL) {
        // scale and precision go first: they are set before the connect.* metadata.
        addProp(props, 'scale', JsonNumber.of(decimalScale(schema)));
        addProp(props, 'precision', JsonNumber.of(decimalPrecision(schema)));
      }
      break;
    case 'array':
      base = { kind: 'array', items: convertReusingNames(required(schema.items, 'items', ctx), ctx, false), props };
      break;
    case 'map':
      base = convertMap(schema, props, ctx);
      break;
    case 'struct':
      if (schema.optional) {
        // An optional struct is always ["null", record], even with a default.
        base = { kind: 'union', branches: [nullNode(), convertReusingNames({ ...schema, optional: false }, ctx, false)] };
      } else {
        base = convertStruct(schema, props, ctx);
      }
      break;
  }
  let result = base;
  if (base.kind !== 'union') {
    addMetadata(schema, props, connectType, ctx);
    if (!ignoreOptional) result = makeOptional(schema, base);
  }
  if (shape !== undefined) ctx.byShape.set(shape, result);
  return result;
}

function convertReusingNames(schema: ConnectSchema, ctx: Context, ignoreOptional: boolean): AvroNode {
  const known = schema.name !== undefined ? ctx.byName.get(schema.name) : undefined;
  if (!known) return convert(schema, ctx, ignoreOptional);
  return ignoreOptional ? known : makeOptional(schema, known);
}

function convertStruct(schema: ConnectSchema, props: JsonObject, ctx: Context): AvroRecordNode {
  const [namespace, name] = recordName(schema.name, ctx);
  const record: AvroRecordNode = {
    kind: 'record', name, namespace, props, fields: [],
    doc: schema.parameters?.[RECORD_DOC_PARAM] ?? null,
  };
  if (schema.name !== undefined) ctx.byName.set(schema.name, record);
  for (const field of schema.fields ?? []) {
    ctx.path.push(field.name);
    record.fields.push(convertField(field.name, field.schema, schema.parameters?.[FIELD_DOC_PARAM_PREFIX + field.name] ?? null, ctx));
    ctx.path.pop();
  }
  return record;
}

function convertMap(schema: ConnectSchema, props: JsonObject, ctx: Context): AvroNode {
  const keys = required(schema.keys, 'keys', ctx);
  const values = required(schema.values, 'values', ctx);
  if (keys.type === 'string' && !keys.optional) {
    return { kind: 'map', values: convertReusingNames(values, ctx, false), props };
  }
  // Avro maps only have string keys: other maps become arrays of key/value records.
  const [namespace, name] = schema.name === undefined ? [CONNECT_AVRO_NAMESPACE, 'MapEntry'] : splitName(schema.name, ctx);
  const entryProps = new JsonObject();
  if (schema.name !== undefined) addProp(entryProps, 'connect.internal.type', 'MapEntry');
  const entry: AvroRecordNode = { kind: 'record', name, namespace, doc: null, props: entryProps, fields: [] };
  entry.fields.push(convertField('key', keys, null, ctx), convertField('value', values, null, ctx));
  return { kind: 'array', items: entry, props };
}

function convertField(name: string, schema: ConnectSchema, doc: string | null, ctx: Context): AvroFieldNode {
  checkName(name, 'field name', ctx);
  let dflt: JsonValue | undefined;
  if (schema.defaultValue !== undefined && schema.defaultValue !== null) dflt = defaultJson(schema, 'field-default', ctx);
  else if (schema.optional) dflt = null;
  const type = convert(schema, ctx, false);
  if (dflt !== undefined && !isValidAvroDefault(type, dflt)) {
    ctx.warnings.push(`ignoring invalid default for field ${ctx.path.join('.')}`);
    dflt = undefined;
  }
  return dflt === undefined ? { name, type, doc } : { name, type, doc, default: dflt };
}

function addMetadata(schema: ConnectSchema, props: JsonObject, connectType: string | undefined, ctx: Context): void {
  const params = schema.parameters ?? {};
  if (schema.doc !== undefined) addProp(props, 'connect.doc', schema.doc);
  if (schema.version !== undefined) addProp(props, 'connect.version', JsonNumber.of(schema.version));
  const shown = Object.entries(params).filter(([k]) => k !== FIELD_DEFAULT_FLAG);
  if (shown.length > 0) addProp(props, 'connect.parameters', new JsonObject(shown.map(([k, v]) => [k, v])));
  if (schema.defaultValue !== undefined && schema.defaultValue !== null && !(FIELD_DEFAULT_FLAG in params)) {
    addProp(props, 'connect.default', defaultJson(schema, 'connect-property', ctx));
  }
  if (schema.name !== undefined) addProp(props, 'connect.name', schema.name);
  if (connectType !== undefined) addProp(props, 'connect.type', connectType);
  if (schema.name === DECIMAL) {
    addProp(props, 'logicalType', 'decimal'); // also when scale > precision (the "legacy" form)
  } else if (schema.name !== undefined && LOGICAL_TYPES[schema.name] !== undefined) {
    addProp(props, 'logicalType', LOGICAL_TYPES[schema.name]!);
  }
  for (const [k, v] of Object.entries(params)) if (k.startsWith('avro')) addProp(props, k, v);
}

function makeOptional(schema: ConnectSchema, base: AvroNode): AvroNode {
  if (!schema.optional) return base;
  // With a default, the default's branch must come first (Avro union default rule).
  const hasDefault = schema.defaultValue !== undefined && schema.defaultValue !== null;
  return { kind: 'union', branches: hasDefault ? [base, nullNode()] : [nullNode(), base] };
}

function nullNode(): AvroNode {
  return { kind: 'primitive', type: 'null', props: new JsonObject() };
}

function recordName(connectName: string | undefined, ctx: Context): [string | null, string] {
  if (connectName !== undefined) return splitName(connectName, ctx);
  ctx.unnamedIndex += 1;
  return [CONNECT_AVRO_NAMESPACE, `ConnectDefault${ctx.unnamedIndex > 1 ? ctx.unnamedIndex : ''}`];
}

/**
 * Namespace is everything before the last dot. Only the last part is checked: Avro
 * Java (Schema.Name) validates a record's name but never its namespace, so AvroData
 * turns "orders-db.public.orders.Value" into name "Value" in namespace
 * "orders-db.public.orders", and the registry takes it. Debezium with
 * schema.name.adjustment.mode=none produces exactly that; so do we.
 */
function splitName(full: string, ctx: Context): [string | null, string] {
  const dot = full.lastIndexOf('.');
  const [namespace, name] = dot < 0 ? [null, full] : [full.slice(0, dot), full.slice(dot + 1)];
  checkName(name, 'record name', ctx, full);
  return [namespace === '' ? null : namespace, name];
}

/**
 * Avro Java's rule (NameValidator.UTF_VALIDATOR, the default): a letter or "_",
 * then letters, digits or "_", where letter and digit are Unicode classes tested
 * per UTF-16 unit, as Java's Character.isLetter(char) / isLetterOrDigit(char) do.
 */
export function isAvroJavaName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (c === '_' || JAVA_LETTER.test(c) || (i > 0 && JAVA_DIGIT.test(c))) continue;
    return false;
  }
  return true;
}

function checkName(name: string, what: 'record name' | 'field name', ctx: Context, full = name): void {
  if (isAvroJavaName(name)) return;
  const property = what === 'record name' ? 'schema.name.adjustment.mode' : 'field.name.adjustment.mode';
  throw new ConfigError({
    code: 'CDC_AVRO_INVALID_NAME',
    what: `${what} "${name}"${full !== name ? ` in "${full}"` : ''} is not a valid Avro name (a letter or _, then letters, digits or _)`,
    where: ctx.path.length > 0 ? `field ${ctx.path.join('.')}` : `schema ${full}`,
    fix: `set ${property}=avro (or avro_unicode) on the connector, or rename it in the source database`,
  });
}

function decimalScale(schema: ConnectSchema): number {
  const scale = Number.parseInt(schema.parameters?.['scale'] ?? '', 10);
  if (Number.isNaN(scale)) {
    throw new SinkError({
      code: 'CDC_AVRO_SCHEMA_INVALID', what: `Decimal schema without a numeric "scale" parameter`,
      fix: 'Decimal schemas must carry parameters.scale (Connect Decimal.builder(scale))',
    });
  }
  return scale;
}

function decimalPrecision(schema: ConnectSchema): number {
  const p = schema.parameters?.['connect.decimal.precision'];
  return p === undefined ? DEFAULT_DECIMAL_PRECISION : Number.parseInt(p, 10);
}

function defaultJson(schema: ConnectSchema, flavor: 'field-default' | 'connect-property', ctx: Context): JsonValue {
  try {
    return connectDefaultJson(schema, schema.defaultValue, flavor);
  } catch (err) {
    throw new SinkError({
      code: 'CDC_AVRO_SCHEMA_INVALID', cause: err,
      what: `cannot render the Connect default of ${ctx.path.join('.') || schema.name || schema.type}: ${(err as Error).message}`,
      fix: 'defaults must use the value representation documented in src/events/schema.ts',
    });
  }
}

function required<T>(v: T | undefined, what: string, ctx: Context): T {
  if (v !== undefined) return v;
  throw new SinkError({ code: 'CDC_AVRO_SCHEMA_INVALID', what: `Connect schema without ${what} at ${ctx.path.join('.') || 'root'}` });
}
