/**
 * The one pass shared by ConfigDef.parse (throws) and ConfigDef.validate (reports):
 * map deprecated aliases, coerce, apply defaults, enforce enums, run checks, and
 * collect every problem instead of stopping at the first, so a user fixes a config
 * in one round trip (DESIGN.md, invariant 7). Secret values never enter a message.
 */
import { describeError } from '../errors/cdc-error.ts';
import { coerce, describeType, textOf } from './coerce.ts';
import type { ConfigDef, ConfigWarning, FieldDef, PrefixFamily, SecretOptions } from './define.ts';
import { closestName } from './did-you-mean.ts';
import { ParsedConfigView } from './parsed-config.ts';

export type ConfigProblemCode =
  | 'CDC_CONFIG_UNKNOWN'
  | 'CDC_CONFIG_TYPE'
  | 'CDC_CONFIG_REQUIRED'
  | 'CDC_CONFIG_ENUM'
  | 'CDC_CONFIG_INVALID'
  | 'CDC_CONFIG_UNSUPPORTED';

export interface Problem {
  /** Canonical property name (or the unknown key as written). */
  readonly property: string;
  readonly code: ConfigProblemCode;
  readonly what: string;
  readonly fix: string;
}

export interface Evaluation {
  readonly parsed: ParsedConfigView;
  readonly problems: readonly Problem[];
  /** Keys that are neither declared, aliases, nor under an allowed prefix. */
  readonly unknown: readonly string[];
  /** Canonical name -> value as written, for properties the user set. */
  readonly input: ReadonlyMap<string, unknown>;
  /** Deprecated names and values used, and no-effect properties set. */
  readonly warnings: readonly ConfigWarning[];
}

const REFERENCE = 'docs/config-reference.md lists every property';

export function evaluate(def: ConfigDef, raw: Readonly<Record<string, unknown>>, opts: SecretOptions): Evaluation {
  const problems: Problem[] = [];
  const warnings: ConfigWarning[] = [];
  const unknown: string[] = [];
  const input = new Map<string, unknown>();
  const rawText: Record<string, string> = {};
  const show = (name: string, value: unknown): string =>
    def.isSecret(name, opts) ? 'a hidden value' : `"${truncate(textOf(value))}"`;

  // Keys of validated prefix families become fields of this evaluation (define.ts, PrefixFamily).
  const familyFields: FieldDef[] = [];
  for (const [key, value] of Object.entries(raw)) {
    // YAML `key:` with nothing after it means "not set", as an absent key does.
    if (value === undefined || value === null) continue;
    rawText[key] = textOf(value, true);
    const field = def.field(key);
    const member = field ? undefined : def.familyField(key);
    if (member?.field) {
      familyFields.push(member.field);
      input.set(key, value);
    } else if (member) {
      unknown.push(key);
      problems.push(unknownFamilyProblem(member.family, key));
    } else if (!field) {
      if (def.allowedPrefixes().some((p) => key.startsWith(p))) continue;
      const family = def.family(key);
      if (family?.unsupported) {
        problems.push({
          property: key,
          code: 'CDC_CONFIG_UNSUPPORTED',
          what: `${key} (${family.label}) is not supported by this daemon: ${family.unsupported.why}`,
          fix: family.unsupported.fix,
        });
        continue;
      }
      if (family?.noEffect) {
        warnings.push({ property: key, kind: 'no-effect', message: `property ${key} is accepted but has no effect: ${family.noEffect}` });
        continue;
      }
      unknown.push(key);
      problems.push(unknownProblem(def, key));
    } else if (field.name === key) {
      input.set(key, value);
    } else {
      const canonical = field.name;
      const earlier = isPresent(raw[canonical]) ? raw[canonical] : input.get(canonical);
      if (earlier !== undefined && textOf(earlier, true) !== textOf(value, true)) {
        problems.push({
          property: canonical,
          code: 'CDC_CONFIG_INVALID',
          what: `both ${canonical} and its deprecated alias ${key} are set, to different values`,
          fix: `remove ${key} and keep ${canonical}`,
        });
      } else if (earlier === undefined) {
        input.set(canonical, value);
      }
      warnings.push({
        property: key,
        replacement: canonical,
        kind: 'deprecated',
        message: `property ${key} is deprecated and was read as ${canonical}; rename it to ${canonical}`,
      });
    }
  }

  const allFields: readonly FieldDef[] = [...def.fields(), ...familyFields];
  const values = new Map<string, unknown>();
  const refuse = (f: FieldDef, value?: unknown): void => {
    problems.push({
      property: f.name,
      code: 'CDC_CONFIG_UNSUPPORTED',
      what: value === undefined
        ? `${f.name} is not supported by this daemon: ${f.unsupported!.why}`
        : `${f.name} = ${show(f.name, value)} is not supported by this daemon: ${f.unsupported!.why}`,
      fix: f.unsupported!.fix,
    });
  };
  for (const f of allFields) {
    if (input.has(f.name) && f.unsupported && !f.unsupported.when) {
      refuse(f);
      continue;
    }
    if (input.has(f.name)) {
      const value = input.get(f.name);
      const coerced = coerce(f.type, value);
      if (!coerced.ok) {
        problems.push({
          property: f.name,
          code: 'CDC_CONFIG_TYPE',
          what: `${f.name} must be ${coerced.expected}, but is ${show(f.name, value)}`,
          fix: `write ${coerced.expected}, for example ${f.name}: ${coerced.example}`,
        });
        continue;
      }
      const normalised = applyEnum(f, renameValues(f, coerced.value, warnings));
      if (normalised.bad.length > 0) {
        const bad = normalised.bad.map((b) => show(f.name, b)).join(', ');
        problems.push({
          property: f.name,
          code: 'CDC_CONFIG_ENUM',
          what: `${f.name} has ${bad}, which is not an allowed value`,
          fix: `use ${f.type === 'list' ? 'values from' : 'one of'}: ${(f.enum ?? []).join(', ')} (any letter case)`,
        });
        continue;
      }
      if (f.unsupported?.when?.(normalised.value as never)) {
        refuse(f, normalised.value);
        continue;
      }
      values.set(f.name, normalised.value);
    } else if (f.default !== undefined) {
      values.set(f.name, f.default);
    } else if (f.required !== false) {
      problems.push({
        property: f.name,
        code: 'CDC_CONFIG_REQUIRED',
        what: `required property ${f.name} is not set`,
        fix: `add ${f.name} (${describeType(f.type).expected}): ${firstSentence(f.doc)}`,
      });
    }
  }

  for (const f of allFields) {
    if (!f.deprecated || !input.has(f.name)) continue;
    warnings.push({ property: f.name, replacement: f.deprecated.replacement, kind: 'deprecated', message: `property ${f.name} is deprecated: ${f.deprecated.why}; use ${f.deprecated.replacement}` });
  }

  for (const f of allFields) {
    const value = values.get(f.name);
    if (!input.has(f.name) || value === undefined || value === null || !f.noEffect) continue;
    if (f.noEffect.when && !f.noEffect.when(value)) continue;
    warnings.push({ property: f.name, kind: 'no-effect', message: `property ${f.name} is accepted but has no effect: ${f.noEffect.why}` });
  }

  const fields = new Map(allFields.map((f) => [f.name, f]));
  const parsed = new ParsedConfigView({ fields, values, explicit: new Set(input.keys()), raw: rawText, warnings });
  const earlierProblems = problems.length;
  for (const f of allFields) {
    const value = values.get(f.name);
    if (value === undefined || value === null || !f.check) continue;
    let verdict: unknown;
    try {
      verdict = f.check(value, parsed);
    } catch (err) {
      // A check reading a field that failed to parse may throw; that is a consequence
      // of a problem already reported, not a new one.
      if (earlierProblems > 0) continue;
      verdict = `the check of ${f.name} failed unexpectedly (${describeError(err)}); report this as a bug`;
    }
    if (verdict === true) continue;
    problems.push({
      property: f.name,
      code: 'CDC_CONFIG_INVALID',
      what: `${f.name} = ${show(f.name, value)} is not accepted`,
      fix: typeof verdict === 'string' && verdict !== '' ? verdict : `see ${f.name} in docs/config-reference.md`,
    });
  }
  return { parsed, problems, unknown, input, warnings };
}

/** Deprecated enum spellings -> current ones, with one warning per property. */
function renameValues(f: FieldDef, value: unknown, warnings: ConfigWarning[]): unknown {
  if (!f.valueAliases) return value;
  const aliases = new Map(Object.entries(f.valueAliases).map(([k, v]) => [k.toLowerCase(), v]));
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  const renamed = items.map((i) => {
    const to = aliases.get(String(i).toLowerCase());
    if (to === undefined) return i;
    warnings.push({
      property: f.name,
      replacement: to,
      kind: 'deprecated',
      message: `value ${String(i)} of ${f.name} is deprecated and was read as ${to}; write ${f.name}: ${to}`,
    });
    return to;
  });
  return Array.isArray(value) ? renamed : renamed[0];
}

function isPresent(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function unknownProblem(def: ConfigDef, key: string): Problem {
  const names = def.fields().flatMap((f) => [f.name, ...(f.aliases ?? [])]);
  const suggestion = closestName(key, names);
  const prefixes = def.allowedPrefixes();
  const freeForm = prefixes.length > 0 ? `; free-form keys must start with ${prefixes.join(', ')}` : '';
  return {
    property: key,
    code: 'CDC_CONFIG_UNKNOWN',
    what: `unknown property ${key}`,
    fix: suggestion
      ? `did you mean ${suggestion}? Otherwise remove ${key} (${REFERENCE})`
      : `remove ${key} or correct its name (${REFERENCE}${freeForm})`,
  };
}

function unknownFamilyProblem(family: PrefixFamily, key: string): Problem {
  const rest = key.slice(family.prefix.length);
  const suggestion = closestName(rest, family.fields.map((f) => f.name));
  return {
    property: key,
    code: 'CDC_CONFIG_UNKNOWN',
    what: `unknown property ${key}: ${rest} is not a setting this daemon knows under ${family.prefix}`,
    fix: suggestion
      ? `did you mean ${family.prefix}${suggestion}? Otherwise remove ${key} (${REFERENCE})`
      : `remove ${key} (${REFERENCE}, "${family.prefix}*")`,
  };
}

/** Maps enum values to their declared spelling; returns the values that match nothing. */
function applyEnum(f: FieldDef, value: unknown): { value: unknown; bad: string[] } {
  if (!f.enum) return { value, bad: [] };
  const allowed = new Map(f.enum.map((e) => [e.toLowerCase(), e]));
  const items = Array.isArray(value) ? (value as string[]) : [value as string];
  const bad = items.filter((i) => !allowed.has(String(i).toLowerCase()));
  const mapped = items.map((i) => allowed.get(String(i).toLowerCase()) ?? i);
  return { value: Array.isArray(value) ? mapped : mapped[0], bad };
}

function firstSentence(doc: string): string {
  const end = doc.search(/\.(\s|$)/);
  return end === -1 ? doc : doc.slice(0, end + 1);
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
