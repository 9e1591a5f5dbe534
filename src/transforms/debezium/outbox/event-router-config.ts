/**
 * The outbox EventRouter's properties (Debezium 3.6, EventRouterConfigDefinition) and the
 * parsed plan. tracing.* are accepted with no effect: Debezium activates them only with
 * OpenTelemetry on its classpath, and this daemon has no tracing.
 */
import { ConfigDef, defineField, type ParsedConfig } from '../../../config/define.ts';
import { ConfigError } from '../../../errors/cdc-error.ts';
import { compileJavaRegex, regexCheck, type JavaRegex } from '../../java-regex.ts';

const group = 'Outbox event router';
const noTracing = { why: 'Debezium reads it only with OpenTelemetry on its classpath; this daemon emits no traces' };

export type Placement = 'header' | 'envelope' | 'partition';
export interface AdditionalField { readonly column: string; readonly placement: Placement; readonly alias: string }

function parsePlacements(entries: readonly string[]): AdditionalField[] | string {
  const out: AdditionalField[] = [];
  for (const e of entries) {
    const parts = e.split(':').map((p) => p.trim());
    const [column, placement, alias] = parts;
    if (parts.length < 2 || parts.length > 3 || !column || !['header', 'envelope', 'partition'].includes(placement!.toLowerCase()) || alias === '') {
      return `"${e}" is not column:header|envelope|partition[:alias]`;
    }
    out.push({ column, placement: placement!.toLowerCase() as Placement, alias: alias ?? column });
  }
  return out;
}

export const eventRouterConfig = new ConfigDef([
  defineField({ name: 'table.field.event.id', type: 'string', default: 'id', group, doc: 'Column holding the event id; copied to the header "id".' }),
  defineField({ name: 'table.field.event.key', type: 'string', default: 'aggregateid', group, doc: 'Column whose value becomes the Kafka key.' }),
  defineField({ name: 'table.field.event.type', type: 'string', default: 'type', group,
    doc: 'Column holding the event type. Debezium declares it but routes nothing by it: place it with table.fields.additional.placement (e.g. type:header:eventType) to emit it.' }),
  defineField({ name: 'table.field.event.payload', type: 'string', default: 'payload', group, doc: 'Column holding the event payload.' }),
  defineField({ name: 'table.field.event.timestamp', type: 'string', required: false, group,
    doc: 'Column (io.debezium.time.Timestamp, MicroTimestamp or NanoTimestamp) for the Kafka record timestamp; unset or null = the event ts_ms.' }),
  defineField({ name: 'table.field.event.schema.version', type: 'string', required: false, group, doc: 'INT32 column giving the value schema version.' }),
  defineField({ name: 'table.fields.additional.placement', type: 'list', default: [], group,
    check: (v) => { const r = parsePlacements(v); return typeof r === 'string' ? r : true; },
    doc: 'Extra columns: column:header[:alias], column:envelope[:alias] (value becomes a struct), column:partition (INT32 Kafka partition).' }),
  defineField({ name: 'table.field.additional.missing', type: 'string', enum: ['error', 'ignore'], default: 'error', group,
    doc: 'What a configured additional column absent from the table does: error, or ignore (skipped).' }),
  defineField({ name: 'table.expand.json.payload', type: 'boolean', default: false, group, doc: 'Parse a JSON text payload into a struct with an inferred schema.' }),
  defineField({ name: 'table.json.payload.null.behavior', type: 'string', enum: ['ignore', 'optional_bytes'], default: 'ignore', group,
    doc: 'Expanded payloads: JSON nulls are left out (ignore) or kept as optional bytes fields.' }),
  defineField({ name: 'table.json.payload.empty.array.behavior', type: 'string', enum: ['ignore', 'optional_string'], default: 'ignore', group,
    doc: 'Expanded payloads: empty arrays are left out (ignore) or kept as optional arrays of optional strings.' }),
  defineField({ name: 'table.op.invalid.behavior', type: 'string', enum: ['warn', 'error', 'fatal'], default: 'warn', group, aliases: ['debezium.op.invalid.behavior'],
    doc: 'An update to the outbox table is dropped with a warning (warn) or an error (error) in the log, or fails the task (fatal).' }),
  defineField({ name: 'route.by.field', type: 'string', default: 'aggregatetype', group, doc: 'Column whose value names the destination topic.' }),
  defineField({ name: 'route.topic.regex', type: 'string', default: '(?<routedByValue>.*)', group, check: regexCheck,
    doc: 'Regular expression over the route.by.field value; when it matches the whole value, route.topic.replacement builds the topic.' }),
  defineField({ name: 'route.topic.replacement', type: 'string', default: 'outbox.event.${routedByValue}', group, doc: 'Topic built from the route.topic.regex groups.' }),
  defineField({ name: 'route.tombstone.on.empty.payload', type: 'boolean', default: false, group, doc: 'A null or blank payload becomes a tombstone (key kept).' }),
  defineField({ name: 'tracing.span.context.field', type: 'string', default: 'tracingspancontext', group, importance: 'low', noEffect: noTracing, doc: 'Column holding a serialized tracing span context.' }),
  defineField({ name: 'tracing.operation.name', type: 'string', default: 'debezium-read', group, importance: 'low', noEffect: noTracing, doc: 'Operation name of the tracing span.' }),
  defineField({ name: 'tracing.with.context.field.only', type: 'boolean', default: false, group, importance: 'low', noEffect: noTracing, doc: 'Trace only events that carry a span context.' }),
]);

export interface EventRouterPlan {
  readonly idColumn: string;
  readonly keyColumn: string;
  readonly payloadColumn: string;
  readonly timestampColumn: string | undefined;
  readonly schemaVersionColumn: string | undefined;
  readonly additional: readonly AdditionalField[];
  readonly ignoreMissing: boolean;
  readonly expandJson: boolean;
  readonly nullAsOptionalBytes: boolean;
  readonly emptyArrayAsOptionalString: boolean;
  readonly invalidOp: 'warn' | 'error' | 'fatal';
  readonly routeByField: string;
  readonly routeRegex: JavaRegex;
  readonly routeReplacement: string;
  readonly tombstoneOnEmptyPayload: boolean;
}

export function eventRouterPlan(c: ParsedConfig): EventRouterPlan {
  const additional = parsePlacements(c.getList('table.fields.additional.placement') ?? []);
  if (typeof additional === 'string') {
    throw new ConfigError({ code: 'CDC_CONFIG_INVALID', what: additional, where: 'property table.fields.additional.placement', fix: 'write entries as column:header|envelope|partition[:alias]' });
  }
  return {
    idColumn: c.getString('table.field.event.id')!,
    keyColumn: c.getString('table.field.event.key') ?? '',
    payloadColumn: c.getString('table.field.event.payload')!,
    timestampColumn: c.getString('table.field.event.timestamp') || undefined,
    schemaVersionColumn: c.getString('table.field.event.schema.version') || undefined,
    additional,
    ignoreMissing: c.getString('table.field.additional.missing') === 'ignore',
    expandJson: c.getBoolean('table.expand.json.payload') ?? false,
    nullAsOptionalBytes: c.getString('table.json.payload.null.behavior') === 'optional_bytes',
    emptyArrayAsOptionalString: c.getString('table.json.payload.empty.array.behavior') === 'optional_string',
    invalidOp: (c.getString('table.op.invalid.behavior') ?? 'warn') as EventRouterPlan['invalidOp'],
    routeByField: c.getString('route.by.field')!,
    routeRegex: compileJavaRegex(c.getString('route.topic.regex')!),
    routeReplacement: c.getString('route.topic.replacement')!,
    tombstoneOnEmptyPayload: c.getBoolean('route.tombstone.on.empty.payload') ?? false,
  };
}
