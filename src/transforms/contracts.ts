/**
 * Contracts of the single message transform stage (issue 9), shared by every source.
 *
 * Kafka Connect runs, per record a source task returns: transformation chain ->
 * header converter -> key converter -> value converter -> producer. The chain is
 * database-agnostic: it sees only SourceRecords with Connect schemas
 * (src/events/schema.ts) and hands back SourceRecords, or null to drop one.
 *
 * Semantics kept from Connect (shared/reference/transforms.md §1-§4):
 * - stages run in the order of `transforms`; each stage applies its transformation iff
 *   it has no predicate, or `negate XOR predicate.test(record)`; the predicate sees the
 *   record as earlier stages left it; each referencing stage has its own predicate instance;
 * - a stage returning null drops the record and ends the chain for it;
 * - a transformation that changes a value changes its schema with it (records stay
 *   self-describing, so converters register what Connect + AvroConverter would).
 *
 * Transforms are synchronous on purpose: with no transform configured the chain is
 * skipped outright, and with some it adds no per-record promise (issue 9 §3).
 *
 * create() receives the connector's logger bound to the stage (`transform: <alias>`, and
 * `predicate: <alias>` for a predicate), where Connect's transforms log through their own
 * class loggers; it is absent when validation builds an instance only to check its config,
 * so a plugin logs through `log?.` or falls back to silence.
 */
import type { ConfigDef, ParsedConfig } from '../config/define.ts';
import type { SourceRecord } from '../events/record.ts';
import type { Logger } from '../log/logger.ts';

/** One configured transformation instance (Connect's Transformation<SourceRecord>). */
export interface Transformation {
  /** The transformed record, or null to drop it. Throws TransformError (or any Error) on bad data. */
  apply(record: SourceRecord): SourceRecord | null;
  /** Releases what configure took (caches, timers). Idempotent. */
  close?(): void;
}

/** One configured predicate instance (Connect's Predicate<SourceRecord>). */
export interface Predicate {
  test(record: SourceRecord): boolean;
  close?(): void;
}

interface PluginBase {
  /** Fully-qualified class name users write in transforms.<alias>.type, e.g. org.apache.kafka.connect.transforms.RegexRouter. */
  readonly className: string;
  /** Other accepted names (e.g. a Debezium class's older package). */
  readonly aliases: readonly string[];
  readonly version: string;
  /** The plugin's own properties (names, defaults, legacy aliases, checks), as written under transforms.<alias>.*. */
  readonly configDef: ConfigDef;
  /** One sentence for GET /connector-plugins and the generated reference. */
  readonly doc: string;
}

export interface TransformationPlugin extends PluginBase {
  readonly kind: 'transformation';
  /**
   * `config` has been parsed by configDef (prefix stripped, predicate/negate removed); throws
   * ConfigError on a bad combination. `log`: the connector's logger for this stage, absent at validation.
   */
  create(config: ParsedConfig, log?: Logger): Transformation;
}

export interface PredicatePlugin extends PluginBase {
  readonly kind: 'predicate';
  create(config: ParsedConfig, log?: Logger): Predicate;
}

export type TransformPlugin = TransformationPlugin | PredicatePlugin;

/**
 * Thrown by a transformation for data it cannot handle (Connect's DataException). The
 * runtime adds the record's topic and key and the stage's alias, and applies errors.tolerance.
 */
export class TransformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransformError';
  }
}
