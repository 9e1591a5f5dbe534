/**
 * Config definitions as data: one FieldDef per property drives parsing, Kafka Connect's
 * config/validate answer, the generated docs/config-reference.md and redaction, so the
 * four can never disagree (STYLE.md section 2, item 2).
 * The algorithms live beside this file: evaluate.ts (parse + check), connect-validation.ts
 * (the REST JSON shape), redaction.ts (what counts as a secret).
 */
import { ConfigError, CdcErrorList } from '../errors/cdc-error.ts';
import { buildValidationResult, keyInfos, type ConfigKeyInfo, type ValidationResult } from './connect-validation.ts';
import { evaluate } from './evaluate.ts';
import { looksSecret, redactRecord } from './redaction.ts';
import type { Secret } from './secret.ts';

export type FieldType = 'string' | 'int' | 'long' | 'short' | 'double' | 'boolean' | 'list' | 'class' | 'password';
export type Importance = 'high' | 'medium' | 'low';
export type Width = 'none' | 'short' | 'medium' | 'long';

/** The TypeScript type a parsed value of each FieldType has. */
export type FieldValue<K extends FieldType> = K extends 'int' | 'long' | 'short' | 'double'
  ? number
  : K extends 'boolean'
    ? boolean
    : K extends 'list'
      ? readonly string[]
      : K extends 'password'
        ? Secret
        : string;

/** What a check sees of the whole config, for cross-field rules. */
export interface ParsedValues {
  get<T>(field: FieldDef<T>): T;
  /** Parsed value by canonical name; undefined when unset without default or unparsable. */
  value(name: string): unknown;
  /** True when the user wrote the property (or a deprecated alias of it), false for defaults. */
  isSet(name: string): boolean;
  /** Every property as written, in string form (secrets revealed: for passthrough only). */
  raw(): Readonly<Record<string, string>>;
}

export interface FieldDef<T = unknown> {
  readonly name: string;
  readonly type: FieldType;
  /** Absent means required, unless `required: false` says "optional, no default". */
  readonly default?: T;
  readonly required?: boolean;
  readonly group: string;
  /** Defaults to 'medium'. */
  readonly importance?: Importance;
  readonly doc: string;
  readonly displayName?: string;
  readonly width?: Width;
  /** Implied by type 'password'. Secret values never appear in messages, logs or validate output. */
  readonly secret?: boolean;
  /** Allowed values, matched case-insensitively and normalised to the spelling given here. */
  readonly enum?: readonly string[];
  /**
   * Runs on every present value (explicit or default) after all fields are parsed.
   * Return true, or one sentence saying what is wrong and how to fix it; never quote
   * the value of a secret field in it (the message reaches logs and REST answers).
   * Method syntax on purpose: it keeps FieldDef<string> assignable to FieldDef<unknown>.
   */
  check?(value: NonNullable<T>, all: ParsedValues): true | string;
  /** Deprecated names still accepted; each use adds a warning. */
  readonly aliases?: readonly string[];
  /**
   * Deprecated values still accepted (Debezium's renames, e.g. snapshot.mode schema_only ->
   * no_data): old spelling -> new spelling. Each use adds a warning naming the new value.
   */
  readonly valueAliases?: Readonly<Record<string, string>>;
  readonly dependents?: readonly string[];
  /**
   * What Connect's REST answers say in `required`, when it differs from whether parsing
   * requires the property: Debezium declares every property with a null default, so
   * Connect lists all of them as not required (the connector's own check reports a
   * missing one).
   */
  readonly connectRequired?: boolean;
  /**
   * "Accepted, no effect": the property is kept for compatibility with Kafka Connect or
   * Debezium but does nothing here; `why` says so in the warning and the reference. With
   * `when`, only the values it returns true for have no effect (e.g. tasks.max above 1).
   * Setting it (to such a value) adds one warning.
   */
  readonly noEffect?: { readonly why: string; when?(value: NonNullable<T>): boolean };
  /**
   * Refused: a property Debezium or Connect knows that this daemon does not implement.
   * Setting it is a CDC_CONFIG_UNSUPPORTED problem with this reason and fix. With `when`,
   * only the values it returns true for are refused: the others are what this daemon
   * does anyway (e.g. snapshot.locking.mode none), and `why` must say which ones those are.
   */
  readonly unsupported?: { readonly why: string; readonly fix: string; when?(value: NonNullable<T>): boolean };
  /**
   * A property kept under its old name because its values do not map one to one onto
   * the new property (Debezium's drop.tombstones -> delete.tombstone.handling.mode):
   * it is read and honoured, and setting it adds one 'deprecated' warning naming the
   * replacement.
   */
  readonly deprecated?: { readonly replacement: string; readonly why: string };
}

/**
 * A family of property names Debezium derives from a pattern (column.mask.with.<n>.chars)
 * or a prefix (signal.consumer.*), which no single FieldDef can name. A key matching
 * one is refused (`unsupported`) or accepted with a warning (`noEffect`) instead of
 * being reported as unknown.
 */
export interface PropertyFamily {
  readonly pattern: RegExp;
  /** How the reference shows the family, e.g. `column.mask.with.<n>.chars`. */
  readonly label: string;
  readonly noEffect?: string;
  readonly unsupported?: { readonly why: string; readonly fix: string };
}

type FieldInit<K extends FieldType, T> = Omit<FieldDef<T>, 'type'> & { readonly type: K };

/** Declares a property; the value type follows from `type` (and `enum`, when given). */
export function defineField<K extends FieldType>(
  def: FieldInit<K, FieldValue<K>> & { readonly required: false; readonly default?: undefined },
): FieldDef<FieldValue<K> | undefined>;
export function defineField<const E extends string>(
  def: FieldInit<'string', E> & { readonly enum: readonly E[] },
): FieldDef<E>;
export function defineField<K extends FieldType>(def: FieldInit<K, FieldValue<K>>): FieldDef<FieldValue<K>>;
export function defineField(def: FieldDef<any>): FieldDef<any> {
  return Object.freeze({ ...def });
}

export interface ConfigWarning {
  readonly property: string;
  /** The property (or value) to write instead, for deprecated names and values. */
  readonly replacement?: string;
  readonly kind: 'deprecated' | 'no-effect';
  readonly message: string;
}

export interface ParsedConfig extends ParsedValues {
  getString(name: string): string | undefined;
  getInt(name: string): number | undefined;
  getLong(name: string): number | undefined;
  getDouble(name: string): number | undefined;
  getBoolean(name: string): boolean | undefined;
  getList(name: string): readonly string[] | undefined;
  getPassword(name: string): Secret | undefined;
  /** Raw properties under `prefix` (e.g. 'producer.override.'), the prefix removed unless strip=false. */
  originalsWithPrefix(prefix: string, strip?: boolean): Record<string, string>;
  /** Deprecated names and values used, and no-effect properties set; log them once at startup. */
  readonly warnings: readonly ConfigWarning[];
}

export interface ConfigDefOptions {
  /** Keys under these prefixes are passthrough (transforms.x.type, predicates.x.*, ...). */
  readonly allowedPrefixes?: readonly string[];
  /** Pattern-named property families, checked before a key counts as unknown. */
  readonly families?: readonly PropertyFamily[];
  /** Validated prefix families (producer.override.*, consumer.*, ...): see PrefixFamily. */
  readonly prefixFamilies?: readonly PrefixFamily[];
}

/**
 * Keys under `prefix` whose rest is one of `fields` (declared with the name after the
 * prefix, e.g. 'compression.type' for producer.override.compression.type). A present key is
 * parsed and checked like a declared field named prefix + name (types, enums, checks,
 * noEffect warnings, unsupported refusals); an unlisted rest is an unknown property. They are
 * not listed by describe() (Connect lists no client overrides either); the reference lists
 * them per family.
 */
export interface PrefixFamily {
  readonly prefix: string;
  /** One sentence for the reference: what these keys configure. */
  readonly doc: string;
  readonly fields: readonly FieldDef[];
  /** Members the reference describes in one sentence instead of a row each (e.g. the security settings). */
  readonly summarised?: { readonly names: readonly string[]; readonly doc: string };
}

/** Property names whose values must be hidden although their field is not secret (e.g. from ${env:}). */
export interface SecretOptions {
  readonly secretKeys?: ReadonlySet<string>;
}

type AnyField = FieldDef<any>;

export class ConfigDef {
  readonly #fields: readonly AnyField[];
  readonly #lookup = new Map<string, AnyField>();
  readonly #prefixes: readonly string[];
  readonly #families: readonly PropertyFamily[];
  readonly #prefixFamilies: readonly PrefixFamily[];

  constructor(fields: readonly AnyField[], opts: ConfigDefOptions = {}) {
    this.#fields = [...fields];
    this.#prefixes = [...new Set(opts.allowedPrefixes ?? [])];
    this.#families = [...(opts.families ?? [])];
    this.#prefixFamilies = [...(opts.prefixFamilies ?? [])];
    for (const f of this.#fields) {
      for (const key of [f.name, ...(f.aliases ?? [])]) {
        if (this.#lookup.has(key)) throw new Error(`ConfigDef: property name "${key}" is declared twice`);
        this.#lookup.set(key, f);
      }
      if (f.enum && typeof f.default === 'string' && !f.enum.includes(f.default)) {
        throw new Error(`ConfigDef: default "${f.default}" of ${f.name} is not in its enum`);
      }
    }
  }

  /** This def's fields then other's; on a name clash `other` wins (a plugin overrides the framework). */
  merge(other: ConfigDef): ConfigDef {
    const theirs = new Map(other.fields().map((f) => [f.name, f]));
    const mine = this.#fields.map((f) => theirs.get(f.name) ?? f);
    const added = other.fields().filter((f) => !this.#fields.some((m) => m.name === f.name));
    const prefixFamilies = [
      ...this.#prefixFamilies.filter((f) => !other.prefixFamilies().some((o) => o.prefix === f.prefix)),
      ...other.prefixFamilies(),
    ];
    return new ConfigDef([...mine, ...added], {
      allowedPrefixes: [...this.#prefixes, ...other.allowedPrefixes()],
      families: [...this.#families, ...other.families()],
      prefixFamilies,
    });
  }

  prefixFamilies(): readonly PrefixFamily[] {
    return this.#prefixFamilies;
  }

  /** The family field a key under a family prefix names, renamed to the full key; undefined otherwise. */
  familyField(key: string): { family: PrefixFamily; field: FieldDef | undefined } | undefined {
    const family = this.#prefixFamilies.filter((f) => key.startsWith(f.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
    if (!family) return undefined;
    const rest = key.slice(family.prefix.length);
    const f = family.fields.find((x) => x.name === rest);
    return { family, field: f ? { ...f, name: key } : undefined };
  }

  fields(): readonly FieldDef[] {
    return this.#fields;
  }

  allowedPrefixes(): readonly string[] {
    return this.#prefixes;
  }

  families(): readonly PropertyFamily[] {
    return this.#families;
  }

  /** The family a key that no field declares belongs to, if any. */
  family(key: string): PropertyFamily | undefined {
    return this.#families.find((f) => f.pattern.test(key));
  }

  /** The field declared under `name` or under one of its deprecated aliases. */
  field(name: string): FieldDef | undefined {
    return this.#lookup.get(name);
  }

  /** Group names in order of first appearance. */
  groups(): string[] {
    return [...new Set(this.#fields.map((f) => f.group))];
  }

  isSecret(name: string, opts: SecretOptions = {}): boolean {
    if (opts.secretKeys?.has(name)) return true;
    const f = this.#lookup.get(name) ?? this.familyField(name)?.field;
    if (f) return f.type === 'password' || f.secret === true;
    return looksSecret(name);
  }

  /** Parses and checks `raw`; throws one CdcErrorList naming every problem. */
  parse(raw: Readonly<Record<string, unknown>>, where: string, opts: SecretOptions = {}): ParsedConfig {
    const result = evaluate(this, raw, opts);
    if (result.problems.length > 0) {
      throw new CdcErrorList(
        result.problems.map(
          (p) => new ConfigError({ code: p.code, what: p.what, where: `${where}, property ${p.property}`, fix: p.fix }),
        ),
      );
    }
    return result.parsed;
  }

  /**
   * Kafka Connect's PUT /connector-plugins/{plugin}/config/validate body; never throws on bad input.
   * `sent`: the keys the request carried, when `raw` also holds values filled in from
   * elsewhere (the worker's converters); only sent properties report a value.
   */
  validate(raw: Readonly<Record<string, unknown>>, opts: SecretOptions & { name?: string; sent?: Iterable<string> } = {}): ValidationResult {
    const name = opts.name ?? (typeof raw['connector.class'] === 'string' ? raw['connector.class'] : '');
    const sent = opts.sent ? new Set([...opts.sent].map((k) => this.#lookup.get(k)?.name ?? k)) : undefined;
    const { sent: _keys, ...rest } = opts;
    return buildValidationResult(name, this, evaluate(this, raw, rest), { ...rest, ...(sent ? { sent } : {}) });
  }

  /** Kafka Connect's GET /connector-plugins/{plugin}/config body. */
  describe(): ConfigKeyInfo[] {
    return keyInfos(this);
  }

  /** A copy of `raw` safe to log or return: secret values become "[hidden]". */
  redact(raw: Readonly<Record<string, unknown>>, opts: SecretOptions = {}): Record<string, unknown> {
    return redactRecord(raw, (key) => this.isSecret(key, opts));
  }
}
