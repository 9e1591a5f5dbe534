/**
 * Confluent AvroConverter equivalent: Connect schema + value -> magic byte 0,
 * 4-byte big-endian schema id, Avro binary body (debezium-events.md 13.1).
 * Hot path: the Connect schema object is looked up by identity (then by its
 * shape) to a prepared conversion holding the Avro schema text, the compiled
 * datum converter and one encoder per subject, so steady state does no schema
 * conversion and no HTTP. Concurrent first uses of a schema share one
 * registry request; a failed request is forgotten so the next record retries.
 */
import avro from 'avsc';
import { avscSafeSchema } from './avsc-names.ts';
import type { ConnectSchema } from '../events/schema.ts';
import { SchemaCompatibilityError, SinkError } from '../errors/cdc-error.ts';
import type { Converter, ConverterLogger } from './converter.ts';
import type { AvroConverterConfig } from './avro-converter-config.ts';
import { connectToAvro, type AvroSchemaConversion } from './avro-schema.ts';
import { compileDatumConverter, type DatumConverter } from './avro-datum.ts';
import { ValueMismatchError } from './value-mismatch.ts';
import { exactLongOptions } from './avro-long-type.ts';
import { compileFramedWriter, encodeFramedDatum, type FramedWriter } from './avro-writer.ts';
import { connectSchemaKey } from './connect-schema-key.ts';
import { describeChanges, diffAvroSchemas } from './schema-diff.ts';
import { SchemaRegistryError, type SchemaRegistryClient } from './schema-registry-client.ts';
import { subjectName } from './subject-name-strategy.ts';
import { STRICT_NAME_FIX, strictNameProblem } from './registry-name-check.ts';

export interface AvroConverterDeps {
  readonly registry: SchemaRegistryClient;
  readonly log: ConverterLogger;
  readonly config: AvroConverterConfig;
}

interface Encoder {
  readonly id: number;
  readonly type: avro.Type;
}

interface Prepared {
  readonly conversion: AvroSchemaConversion;
  readonly toDatum: DatumConverter;
  readonly ownType: avro.Type;
  /** Connect value -> wire bytes in one pass (avro-writer.ts), for encoders using ownType. */
  readonly writer: FramedWriter | null;
  /** By subject: the settled encoder, or the request that will settle it. */
  readonly encoders: Map<string, Encoder | Promise<Encoder>>;
  /** The settled encoder of the last (topic, isKey) seen, so steady state builds no subject name. */
  last: { readonly topic: string; readonly isKey: boolean; readonly encoder: Encoder } | null;
}

export class AvroConverter implements Converter {
  private readonly byIdentity = new WeakMap<ConnectSchema, Prepared>();
  private readonly byShape = new Map<string, Prepared>();

  constructor(private readonly deps: AvroConverterDeps) {}

  async fromConnectData(topic: string, isKey: boolean, schema: ConnectSchema | null, value: unknown): Promise<Buffer | null> {
    if (value === null || value === undefined) return null;
    if (schema === null) {
      throw new SinkError({
        code: 'CDC_AVRO_SCHEMALESS', what: `a ${isKey ? 'key' : 'value'} without a schema cannot be written as Avro`,
        where: `topic ${topic}`, fix: 'give the record a Connect schema, or use the JSON converter with schemas.enable=false',
      });
    }
    const prepared = this.prepare(schema);
    const last = prepared.last;
    if (last !== null && last.topic === topic && last.isKey === isKey) return this.encode(last.encoder, prepared, value, topic, isKey);
    const strategy = isKey ? this.deps.config.keySubjectNameStrategy : this.deps.config.valueSubjectNameStrategy;
    const subject = subjectName(strategy, topic, isKey, prepared.conversion.fullName);
    let encoder = prepared.encoders.get(subject);
    if (encoder === undefined) encoder = this.resolveEncoder(prepared, subject, topic);
    if (encoder instanceof Promise) encoder = await encoder;
    // Only a settled entry is remembered: a failed registration is retried by the next record.
    if (prepared.encoders.get(subject) === encoder) prepared.last = { topic, isKey, encoder };
    return this.encode(encoder, prepared, value, topic, isKey);
  }

  fromConnectDataNow(topic: string, isKey: boolean, schema: ConnectSchema | null, value: unknown): Buffer | null | undefined {
    if (value === null || value === undefined) return null;
    const prepared = schema === null ? undefined : this.byIdentity.get(schema);
    const last = prepared?.last;
    if (!last || last.topic !== topic || last.isKey !== isKey) return undefined;
    try {
      return this.encode(last.encoder, prepared!, value, topic, isKey);
    } catch {
      return undefined;
    }
  }

  private prepare(schema: ConnectSchema): Prepared {
    const known = this.byIdentity.get(schema);
    if (known) return known;
    const key = connectSchemaKey(schema);
    let prepared = this.byShape.get(key);
    if (!prepared) {
      const conversion = connectToAvro(schema);
      for (const w of conversion.warnings) this.deps.log.warn({ schema: schema.name }, `Avro schema: ${w}`);
      const datumOptions = { ignoreDefaultForNullables: this.deps.config.ignoreDefaultForNullables };
      const ownType = avro.Type.forSchema(avscSafeSchema(JSON.parse(conversion.text)) as avro.Schema, exactLongOptions());
      prepared = {
        conversion,
        toDatum: compileDatumConverter(schema, datumOptions),
        ownType,
        writer: compileFramedWriter(schema, ownType, datumOptions),
        encoders: new Map(),
        last: null,
      };
      this.byShape.set(key, prepared);
    }
    this.byIdentity.set(schema, prepared);
    return prepared;
  }

  private resolveEncoder(prepared: Prepared, subject: string, topic: string): Promise<Encoder> {
    const pending = this.fetchEncoder(prepared, subject, topic).then(
      (enc) => {
        prepared.encoders.set(subject, enc);
        return enc;
      },
      (err: unknown) => {
        prepared.encoders.delete(subject); // forget the failure: the next record asks again
        throw err;
      },
    );
    prepared.encoders.set(subject, pending);
    return pending;
  }

  /** Confluent's order: auto.register.schemas, else use.latest.version, else lookup. */
  private async fetchEncoder(prepared: Prepared, subject: string, topic: string): Promise<Encoder> {
    const { registry, config, log } = this.deps;
    const text = prepared.conversion.text;
    const normalize = config.normalizeSchemas;
    if (config.autoRegisterSchemas) {
      try {
        const id = await registry.register(subject, text, { normalize });
        log.info({ subject, schemaId: id }, 'Avro schema registered');
        return { id, type: prepared.ownType };
      } catch (err) {
        if (err instanceof SchemaRegistryError && err.status === 409) throw await this.incompatible(subject, topic, text, err);
        throw withNameFix(err, text);
      }
    }
    if (config.useLatestVersion) return this.latestEncoder(prepared, subject, topic);
    const id = await registry.lookup(subject, text, { normalize });
    if (id === undefined) {
      throw new SinkError({
        code: 'CDC_SCHEMA_NOT_REGISTERED',
        what: `the Avro schema ${prepared.conversion.fullName} is not registered under subject "${subject}" and auto.register.schemas=false`,
        where: `subject ${subject}, topic ${topic}, schema registry ${registry.displayUrl}`,
        fix: 'register the schema first, set auto.register.schemas=true, or set use.latest.version=true to write with the latest registered version',
      });
    }
    return { id, type: prepared.ownType };
  }

  private async latestEncoder(prepared: Prepared, subject: string, topic: string): Promise<Encoder> {
    const { registry, config } = this.deps;
    const latest = await registry.latest(subject);
    const where = `subject ${subject}, topic ${topic}, schema registry ${registry.displayUrl}`;
    if (!latest) {
      throw new SinkError({
        code: 'CDC_SCHEMA_NOT_REGISTERED', what: `use.latest.version=true but subject "${subject}" has no registered version`, where,
        fix: 'register a schema for the subject first, or set auto.register.schemas=true',
      });
    }
    const type = avro.Type.forSchema(avscSafeSchema(JSON.parse(latest.schema)) as avro.Schema, exactLongOptions());
    if (config.latestCompatibilityStrict) {
      try {
        type.createResolver(prepared.ownType); // can the latest version read what we would write?
      } catch (err) {
        throw new SchemaCompatibilityError({
          code: 'CDC_SCHEMA_INCOMPATIBLE', cause: err, where,
          what: `the latest schema of "${subject}" (version ${latest.version}, id ${latest.id}) cannot read records of the current table schema: ${describeChanges(diffAvroSchemas(latest.schema, prepared.conversion.text))}`,
          fix: 'register a compatible version of the schema, or set latest.compatibility.strict=false, or use auto.register.schemas=true',
        });
      }
    }
    return { id: latest.id, type };
  }

  private async incompatible(subject: string, topic: string, text: string, err: SchemaRegistryError): Promise<SchemaCompatibilityError> {
    const { registry } = this.deps;
    // Best effort: the explanation must not hide the original refusal.
    const latest = await registry.latest(subject).catch(() => undefined);
    const level = await registry.compatibility(subject).catch(() => undefined);
    const changes = latest ? describeChanges(diffAvroSchemas(latest.schema, text)) : 'latest registered version not readable';
    const url = registry.displayUrl.split(',')[0];
    return new SchemaCompatibilityError({
      code: 'CDC_SCHEMA_INCOMPATIBLE', cause: err,
      what: `the Schema Registry refused the new schema for subject "${subject}" as incompatible with ` +
        `${latest ? `version ${latest.version} (id ${latest.id})` : 'its registered versions'} under ${level ? `compatibility ${level}` : 'the global compatibility level'}. ` +
        `Changes: ${changes}. Registry said: ${err.registryMessage}`,
      where: `subject ${subject}, topic ${topic}, schema registry ${registry.displayUrl}`,
      fix: 'either (1) make the change compatible: give the new column a DEFAULT or make it nullable; ' +
        `or (2) relax the subject's rule: curl -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' --data '{"compatibility":"NONE"}' ${url}/config/${subject} ` +
        '(or FORWARD/FULL/BACKWARD_TRANSITIVE as your consumers need); ' +
        'or (3) route the table to a new topic (a new subject) and move consumers over',
    });
  }

  private encode(encoder: Encoder, prepared: Prepared, value: unknown, topic: string, isKey: boolean): Buffer {
    if (prepared.writer !== null && encoder.type === prepared.ownType) {
      try {
        return prepared.writer.encode(value, encoder.id);
      } catch {
        // Not written: the datum path below writes it after all, or reports why it cannot.
      }
    }
    try {
      return encodeFramedDatum(encoder.type, prepared.toDatum(value), encoder.id);
    } catch (err) {
      const path = err instanceof ValueMismatchError ? err.path : undefined;
      throw new SinkError({
        code: 'CDC_SERDE_VALUE_INVALID', cause: err,
        what: `the ${isKey ? 'key' : 'value'} does not match its schema ${prepared.conversion.fullName}: ${(err as Error).message}`,
        where: `topic ${topic}${path ? `, field ${path}` : ''}`,
        fix: 'a source produced a value of the wrong type for its column; report it with the column type',
      });
    }
  }
}

/** A 422 for a schema with names a strict registry refuses gets the fix that works (registry-name-check.ts). */
function withNameFix(err: unknown, text: string): unknown {
  if (!(err instanceof SchemaRegistryError) || err.status !== 422) return err;
  const problem = strictNameProblem(JSON.parse(text));
  if (problem === undefined) return err;
  return new SchemaRegistryError({
    code: err.code, what: `${err.what} (the schema has ${problem}, which Java Avro 1.12 registries refuse)`,
    ...(err.where !== undefined ? { where: err.where } : {}),
    fix: STRICT_NAME_FIX, status: err.status, registryMessage: err.registryMessage,
    ...(err.registryCode !== undefined ? { registryCode: err.registryCode } : {}), cause: err,
  });
}
