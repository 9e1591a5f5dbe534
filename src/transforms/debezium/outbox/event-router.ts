/**
 * io.debezium.transforms.outbox.EventRouter: turns inserts into an outbox table into
 * events on per-aggregate topics (shared/reference/transforms.md §7.3).
 *
 * Only creates (and snapshot reads) are events: deletes are dropped silently (outbox rows
 * are usually deleted right after insert), updates are dropped or fail the task per
 * table.op.invalid.behavior, tombstones are dropped and non-envelopes pass unchanged.
 * An event's key is the key column, its value the payload (or a struct of the payload and
 * the envelope-placed columns), its id goes to the header "id", its topic is the
 * route.by.field value run through route.topic.regex / route.topic.replacement.
 *
 * Logging follows Debezium's EventRouterDelegate: a dropped update at WARN or ERROR
 * (table.op.invalid.behavior), an expanded payload that is not JSON (or not text) at WARN, the
 * dropped tombstones and deletes and each emitted event at DEBUG. Keys and payloads are never
 * logged (Debezium redacts them below TRACE); the topic and the event id say which event.
 */
import type { RecordHeader, SourceRecord } from '../../../events/record.ts';
import { appendHeaders } from '../../../events/headers.ts';
import { silentLogger, type Logger } from '../../../log/logger.ts';
import { S, type ConnectField, type ConnectSchema } from '../../../events/schema.ts';
import { TransformError, type Transformation, type TransformationPlugin } from '../../contracts.ts';
import { findField, type StructValue } from '../../schema-util.ts';
import { envelopeOf } from '../envelope-util.ts';
import { replaceWhole } from '../route-regex.ts';
import { eventRouterConfig, eventRouterPlan, type EventRouterPlan } from './event-router-config.ts';
import { expandJson, parseJsonPayload } from './json-payload.ts';

export class EventRouter implements Transformation {
  /** row schema -> (routed value -> value struct schema), for envelope placements. */
  readonly #valueSchemas = new WeakMap<ConnectSchema, Map<string, ConnectSchema>>();

  constructor(private readonly p: EventRouterPlan, private readonly log: Logger = silentLogger()) {}

  apply(record: SourceRecord): SourceRecord | null {
    if (record.value === null || record.value === undefined) {
      this.log.debug({ topic: record.topic }, 'outbox tombstone ignored');
      return null;
    }
    const env = envelopeOf(record);
    if (!env) return record;
    const op = env['op'];
    if (op === 'd') {
      this.log.debug({ topic: record.topic }, 'outbox delete ignored');
      return null;
    }
    if (op === 'u') {
      const msg = `Unexpected update message received on the outbox table (topic ${record.topic}); only inserts are routed`;
      if (this.p.invalidOp === 'fatal') throw new TransformError(`${msg}; set table.op.invalid.behavior=warn or error to drop such updates`);
      this.log[this.p.invalidOp]({ topic: record.topic, property: 'table.op.invalid.behavior' }, `${msg}; the update is dropped`);
      return null;
    }
    if (op !== 'c' && op !== 'r') return record;
    const rowSchema = findField(record.valueSchema!, 'after')?.schema;
    const row = env['after'] as StructValue | null;
    if (!rowSchema || !row) return null;
    return this.#event(record, env, rowSchema, row);
  }

  #column(rowSchema: ConnectSchema, name: string): ConnectField {
    const f = findField(rowSchema, name);
    if (!f) throw new TransformError(`Unknown field: ${name} (the outbox table has no column ${name}; set the table.field.* property naming it)`);
    return f;
  }

  #event(record: SourceRecord, env: StructValue, rowSchema: ConnectSchema, row: StructValue): SourceRecord {
    const p = this.p;
    const routeValue = row[this.#column(rowSchema, p.routeByField).name];
    if (routeValue === null || routeValue === undefined) throw new TransformError(`the route.by.field column ${p.routeByField} is null; every outbox row needs a routing value`);
    const routed = String(routeValue);
    const topic = replaceWhole(p.routeRegex, routed, p.routeReplacement) ?? routed;

    const idField = this.#column(rowSchema, p.idColumn);
    const id = row[idField.name] ?? null;
    // Appended after the record's own headers: the id, then each header-placed column.
    const added: RecordHeader[] = [{ key: 'id', schema: idField.schema, value: id }];
    const eventId = id === null ? null : String(id); // as text in log lines (an int64 id is a bigint)
    const envelopeFields: { alias: string; field: ConnectField }[] = [];
    let partition: number | undefined;
    for (const a of p.additional) {
      const f = findField(rowSchema, a.column);
      if (!f) {
        if (p.ignoreMissing) continue;
        throw new TransformError(`Unknown field: ${a.column} (named by table.fields.additional.placement; set table.field.additional.missing=ignore to skip absent columns)`);
      }
      if (a.placement === 'header') added.push({ key: a.alias, schema: f.schema, value: row[f.name] ?? null });
      else if (a.placement === 'envelope') envelopeFields.push({ alias: a.alias, field: f });
      else partition = row[f.name] === null || row[f.name] === undefined ? undefined : Number(row[f.name]);
    }

    const keyField = p.keyColumn ? this.#column(rowSchema, p.keyColumn) : undefined;
    const keySchema = keyField ? keyField.schema : S.string();
    const key = keyField ? row[keyField.name] ?? null : null;

    const payloadField = this.#column(rowSchema, p.payloadColumn);
    let payloadSchema = payloadField.schema;
    let payload: unknown = row[payloadField.name] ?? null;
    const base = { ...appendHeaders(record, added), topic, keySchema, key, timestamp: this.#timestamp(rowSchema, row, env) };
    const withPartition = partition === undefined ? (({ kafkaPartition: _k, ...r }) => r)(base) : { ...base, kafkaPartition: partition };
    if (p.expandJson && payload !== null) {
      if (typeof payload !== 'string') {
        this.log.warn({ topic: record.topic, eventId }, 'Expand JSON payload is turned on but payload is not a string; it is routed as it is');
      } else {
        // Text that is not JSON stays a string: Debezium only warns.
        const parsed = parseJsonPayload(payload);
        const expanded = 'doc' in parsed ? expandJson(parsed.doc, 'payload', p) : undefined;
        if ('reason' in parsed) {
          this.log.warn({ topic: record.topic, eventId, field: p.payloadColumn, cause: parsed.reason },
            `JSON expansion of the '${p.payloadColumn}' field failed; keeping it as an unexpanded string`);
        }
        if (expanded) {
          payloadSchema = expanded.schema;
          payload = expanded.value;
        }
      }
    }
    if (p.tombstoneOnEmptyPayload && (payload === null || (typeof payload === 'string' && payload.trim() === ''))) {
      this.log.debug({ topic, eventId, tombstone: true }, 'outbox event emitted');
      return { ...withPartition, valueSchema: null, value: null };
    }
    this.log.debug({ topic, eventId }, 'outbox event emitted');
    if (envelopeFields.length === 0) return { ...withPartition, valueSchema: payloadSchema, value: payload };

    const version = p.schemaVersionColumn ? row[this.#column(rowSchema, p.schemaVersionColumn).name] : undefined;
    const valueSchema = this.#valueSchema(rowSchema, routed, payloadSchema, envelopeFields, typeof version === 'number' ? version : undefined);
    const value: StructValue = { payload };
    for (const e of envelopeFields) value[e.alias] = row[e.field.name] ?? null;
    return { ...withPartition, valueSchema, value };
  }

  /** `<row schema name minus .Value>.<routed value>.Value`, e.g. shop.public.outbox.Order.Value. */
  #valueSchema(rowSchema: ConnectSchema, routed: string, payloadSchema: ConnectSchema, fields: { alias: string; field: ConnectField }[], version: number | undefined): ConnectSchema {
    let byRoute = this.#valueSchemas.get(rowSchema);
    if (!byRoute) this.#valueSchemas.set(rowSchema, (byRoute = new Map()));
    const cacheKey = `${routed}\u0000${version ?? ''}\u0000${payloadSchema.type === 'struct' ? JSON.stringify(payloadSchema) : payloadSchema.type}`;
    let schema = byRoute.get(cacheKey);
    if (!schema) {
      const name = rowSchema.name ?? 'outbox.Value';
      const cut = name.lastIndexOf('.');
      const full = cut < 0 ? `${routed}.${name}` : `${name.slice(0, cut)}.${routed}${name.slice(cut)}`;
      schema = S.struct(full, [S.field('payload', payloadSchema), ...fields.map((e) => S.field(e.alias, e.field.schema))], version !== undefined ? { version } : {});
      if (byRoute.size > 1000) byRoute.clear();
      byRoute.set(cacheKey, schema);
    }
    return schema;
  }

  /** The timestamp column (Timestamp ms, MicroTimestamp us, NanoTimestamp ns -> ms), else the event's ts_ms. */
  #timestamp(rowSchema: ConnectSchema, row: StructValue, env: StructValue): number | undefined {
    const col = this.p.timestampColumn;
    if (col) {
      const f = this.#column(rowSchema, col);
      const v = row[f.name];
      if (v !== null && v !== undefined) {
        const n = BigInt(v as number | bigint);
        switch (f.schema.name) {
          case 'io.debezium.time.Timestamp': return Number(n);
          case 'io.debezium.time.MicroTimestamp': return Number(n / 1000n);
          case 'io.debezium.time.NanoTimestamp': return Number(n / 1_000_000n);
          default:
            throw new TransformError(`the table.field.event.timestamp column ${col} has schema ${f.schema.name ?? f.schema.type}; it must be io.debezium.time.Timestamp, MicroTimestamp or NanoTimestamp: name a timestamp (without time zone) column, or unset table.field.event.timestamp`);
        }
      }
    }
    const ts = env['ts_ms'];
    return ts === null || ts === undefined ? undefined : Number(ts);
  }
}

export const eventRouterPlugin: TransformationPlugin = {
  kind: 'transformation',
  className: 'io.debezium.transforms.outbox.EventRouter',
  aliases: [],
  version: '3.6.1.Final',
  configDef: eventRouterConfig,
  doc: 'Routes rows inserted into an outbox table as events to per-aggregate topics (the outbox pattern).',
  create: (config, log) => new EventRouter(eventRouterPlan(config), log),
};
