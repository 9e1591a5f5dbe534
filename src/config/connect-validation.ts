/**
 * Kafka Connect's JSON shapes for plugin config definitions and validation results
 * (reference/connect-rest-api.md section 9): field names, UPPERCASE enums,
 * `order_in_group` counted within each group (the name Connect 4.x writes), values in
 * string form with passwords as "[hidden]", and null as the value of a property the
 * request did not carry (Connect reports what was sent, not the default).
 * Existing UIs and scripts read these shapes, so they are built in exactly one place.
 */
import { textOf } from './coerce.ts';
import type { ConfigDef, FieldDef, SecretOptions } from './define.ts';
import type { Evaluation } from './evaluate.ts';
import { HIDDEN_VALUE } from './secret.ts';

export interface ConfigKeyInfo {
  name: string;
  type: string;
  required: boolean;
  default_value: string | null;
  importance: string;
  documentation: string;
  group: string | null;
  width: string;
  display_name: string;
  dependents: string[];
  order_in_group: number;
}

export interface ConfigValueInfo {
  name: string;
  value: string | null;
  recommended_values: string[];
  errors: string[];
  visible: boolean;
}

export interface ConfigInfo {
  definition: ConfigKeyInfo;
  value: ConfigValueInfo;
}

export interface ValidationResult {
  name: string;
  error_count: number;
  groups: string[];
  configs: ConfigInfo[];
}

export function isRequired(f: FieldDef): boolean {
  return f.default === undefined && f.required !== false;
}

export function keyInfo(f: FieldDef, order: number): ConfigKeyInfo {
  const secret = f.type === 'password' || f.secret === true;
  return {
    name: f.name,
    type: f.type.toUpperCase(),
    required: f.connectRequired ?? isRequired(f),
    default_value: f.default === undefined ? null : secret ? HIDDEN_VALUE : textOf(f.default),
    importance: (f.importance ?? 'medium').toUpperCase(),
    documentation: f.doc,
    group: f.group,
    width: (f.width ?? 'none').toUpperCase(),
    display_name: f.displayName ?? f.name,
    dependents: [...(f.dependents ?? [])],
    order_in_group: order,
  };
}

export function keyInfos(def: ConfigDef): ConfigKeyInfo[] {
  const seen = new Map<string, number>();
  return def.fields().map((f) => {
    const order = (seen.get(f.group) ?? 0) + 1;
    seen.set(f.group, order);
    return keyInfo(f, order);
  });
}

/**
 * GET /connector-plugins/{plugin}/config for a connector: Connect lists the plugin's own
 * keys first, then the framework's (a plugin's redefinition of a framework key, such as
 * tasks.max, counts as the plugin's).
 */
export function connectorKeyInfos(def: ConfigDef, framework: ConfigDef): ConfigKeyInfo[] {
  // A framework key a plugin redefines (the PostgreSQL connector's tasks.max) stays in the
  // framework's place, as Connect lists its own keys from its own definition.
  const frameworkOnly = new Set(framework.fields().map((f) => f.name));
  const all = keyInfos(def);
  return [...all.filter((k) => !frameworkOnly.has(k.name)), ...all.filter((k) => frameworkOnly.has(k.name))];
}

export function buildValidationResult(
  name: string,
  def: ConfigDef,
  evaluation: Evaluation,
  opts: SecretOptions & { readonly sent?: ReadonlySet<string> },
): ValidationResult {
  const errors = new Map<string, string[]>();
  for (const p of evaluation.problems) {
    const list = errors.get(p.property) ?? [];
    list.push(`${p.what}; fix: ${p.fix}`);
    errors.set(p.property, list);
  }
  const shown = (key: string, value: unknown): string | null =>
    value === undefined ? null : def.isSecret(key, opts) ? HIDDEN_VALUE : textOf(value);

  const configs: ConfigInfo[] = keyInfos(def).map((definition) => {
    const key = definition.name;
    // Only what the request carried: parsed (normalised) when it parsed, else as written.
    const sent = evaluation.input.has(key) && (opts.sent === undefined || opts.sent.has(key));
    const value = sent ? evaluation.parsed.value(key) ?? evaluation.input.get(key) : undefined;
    const f = def.field(key);
    return {
      definition,
      value: {
        name: key,
        value: shown(key, value),
        recommended_values: [...(f?.enum ?? [])],
        errors: errors.get(key) ?? [],
        visible: true,
      },
    };
  });
  // Connect ignores unknown keys; we reject them (and refused pattern families such as
  // column.mask.with.<n>.chars) at create time, so validate must say so too. They get a
  // definition like Connect's for keys declared without a group. Keys of validated prefix
  // families (producer.override.*, ...) are listed only when they carry an error.
  const listed = new Set(configs.map((c) => c.definition.name));
  const undeclared = [...new Set([...evaluation.unknown, ...evaluation.problems.map((p) => p.property)])].filter((k) => !listed.has(k));
  for (const key of undeclared) {
    const family = def.familyField(key);
    configs.push({
      definition: {
        name: key,
        type: 'STRING',
        required: false,
        default_value: null,
        importance: 'LOW',
        documentation: family?.field
          ? family.field.doc
          : evaluation.unknown.includes(key) ? 'Not a property of this connector.' : 'A Debezium property this daemon refuses (see errors).',
        group: null,
        width: 'NONE',
        display_name: key,
        dependents: [],
        order_in_group: -1,
      },
      value: { name: key, value: null, recommended_values: [], errors: errors.get(key) ?? [], visible: true },
    });
  }
  const error_count = configs.reduce((n, c) => n + c.value.errors.length, 0);
  return { name, error_count, groups: def.groups(), configs };
}
