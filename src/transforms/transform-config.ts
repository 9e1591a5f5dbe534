/**
 * Connect's ConnectorConfig.enrich: a connector's ConfigDef grows, per alias listed in
 * `transforms` / `predicates`, the properties of the class it names, prefixed
 * (transforms.<alias>.regex, ...). Parsing, config/validate and `cdc validate` then
 * report a transform's problems on the property that has them, with the plugin's own
 * types, defaults and checks; unknown classes are refused listing what is installed.
 * Keys under transforms.<alias>. that the class does not declare are unknown properties;
 * keys of an alias that is not listed are accepted with a no-effect warning (Connect
 * ignores them too).
 */
import { coerce } from '../config/coerce.ts';
import { ConfigDef, defineField, type FieldDef, type ParsedConfig, type ParsedValues, type PropertyFamily } from '../config/define.ts';
import { closestName } from '../config/did-you-mean.ts';
import { describeError } from '../errors/cdc-error.ts';
import type { TransformPlugin } from './contracts.ts';
import type { TransformRegistry } from './transform-registry.ts';

export const TRANSFORMS_PREFIX = 'transforms.';
export const PREDICATES_PREFIX = 'predicates.';
/** Stage properties every transform has, never handed to the transformation itself. */
const STAGE_KEYS = new Set(['type', 'predicate', 'negate', 'plugin.version']);

/** The aliases of a list property as written (YAML list or comma-separated text), trimmed, empty ones dropped. */
export function aliasesOf(raw: Readonly<Record<string, unknown>>, name: string): string[] {
  const v = raw[name];
  if (v === undefined || v === null) return [];
  const c = coerce('list', v);
  return c.ok ? [...new Set((c.value as string[]).map((s) => s.trim()).filter((s) => s !== ''))] : [];
}

/** `def` plus the properties of every listed transform and predicate (see the file comment). */
export function withTransformFields(def: ConfigDef, raw: Readonly<Record<string, unknown>>, registry: TransformRegistry): ConfigDef {
  const transforms = aliasesOf(raw, 'transforms');
  const predicates = aliasesOf(raw, 'predicates');
  if (transforms.length === 0 && predicates.length === 0 && !Object.keys(raw).some((k) => k.startsWith(TRANSFORMS_PREFIX) || k.startsWith(PREDICATES_PREFIX))) {
    return def;
  }
  const extra: FieldDef[] = [];
  const prefixes: string[] = [];
  for (const alias of transforms) {
    const prefix = `${TRANSFORMS_PREFIX}${alias}.`;
    const plugin = registry.find('transformation', String(raw[`${prefix}type`] ?? ''), versionOf(raw, prefix));
    extra.push(typeField('transformation', prefix, alias, registry), versionField('transformation', prefix, alias));
    extra.push(defineField({
      name: `${prefix}predicate`, type: 'string', required: false, group: `Transforms: ${alias}`,
      doc: 'Alias of the predicate (under predicates) that decides which records this transform applies to; unset: every record.',
      check: (p) => predicates.includes(p) || `list ${p} in predicates and set predicates.${p}.type, or remove ${prefix}predicate`,
    }));
    extra.push(defineField({
      name: `${prefix}negate`, type: 'boolean', default: false, group: `Transforms: ${alias}`,
      doc: 'Apply the transform to the records the predicate does NOT match.',
      check: (n, all) => !n || all.value(`${prefix}predicate`) !== undefined
        || `Config '${prefix}negate' was provided but there is no config '${prefix}predicate' defining a predicate to be negated: set ${prefix}predicate or remove ${prefix}negate`,
    }));
    if (plugin) { extra.push(...prefixedFields(plugin, prefix, `Transforms: ${alias}`)); prefixes.push(...plugin.configDef.allowedPrefixes().map((p) => prefix + p)); }
  }
  for (const alias of predicates) {
    const prefix = `${PREDICATES_PREFIX}${alias}.`;
    const plugin = registry.find('predicate', String(raw[`${prefix}type`] ?? ''), versionOf(raw, prefix));
    extra.push(typeField('predicate', prefix, alias, registry), versionField('predicate', prefix, alias));
    if (plugin) { extra.push(...prefixedFields(plugin, prefix, `Predicates: ${alias}`)); prefixes.push(...plugin.configDef.allowedPrefixes().map((p) => prefix + p)); }
  }
  const declared = new Set(extra.map((f) => f.name));
  const fields = [...def.fields().filter((f) => !declared.has(f.name)), ...extra];
  return new ConfigDef(fields, {
    allowedPrefixes: [...def.allowedPrefixes().filter((p) => p !== TRANSFORMS_PREFIX && p !== PREDICATES_PREFIX), ...prefixes],
    families: [...def.families(), unlisted(TRANSFORMS_PREFIX, transforms, 'transforms'), unlisted(PREDICATES_PREFIX, predicates, 'predicates')],
    prefixFamilies: def.prefixFamilies(),
  });
}

/** transforms.<alias>.* / predicates.<alias>.* of an alias that is not listed: accepted, no effect, as in Connect. */
function unlisted(prefix: string, listed: readonly string[], list: string): PropertyFamily {
  const known = new Set(listed);
  return {
    pattern: { test: (key: string) => key.startsWith(prefix) && !known.has(aliasOfKey(key, prefix, listed)) } as RegExp,
    label: `${prefix}<alias not in ${list}>.*`,
    noEffect: `its alias is not listed in ${list}, so nothing uses it; add the alias to ${list} or remove the property`,
  };
}

/** The alias a key under `prefix` belongs to: the longest listed alias it starts with (aliases may hold dots), else up to the next dot. */
function aliasOfKey(key: string, prefix: string, listed: readonly string[]): string {
  const rest = key.slice(prefix.length);
  const match = listed.filter((a) => rest.startsWith(`${a}.`)).sort((a, b) => b.length - a.length)[0];
  return match ?? rest.split('.')[0]!;
}

/** transforms.<alias>.plugin.version / predicates.<alias>.plugin.version (KIP-891), as written; undefined: the newest. */
export function versionOf(raw: Readonly<Record<string, unknown>>, prefix: string): string | undefined {
  const v = raw[`${prefix}plugin.version`];
  return v === undefined || v === null || String(v).trim() === '' ? undefined : String(v).trim();
}

function versionField(kind: TransformPlugin['kind'], prefix: string, alias: string): FieldDef {
  return defineField({
    name: `${prefix}plugin.version`, type: 'string', required: false, group: kind === 'transformation' ? `Transforms: ${alias}` : `Predicates: ${alias}`,
    doc: `Version of the ${kind} class to use when several are installed under plugin.path; unset: the newest.`,
  });
}

function typeField(kind: TransformPlugin['kind'], prefix: string, alias: string, registry: TransformRegistry): FieldDef {
  const group = kind === 'transformation' ? `Transforms: ${alias}` : `Predicates: ${alias}`;
  return defineField({
    name: `${prefix}type`, type: 'class', group, importance: 'high',
    doc: `Class of the ${kind} ${alias}: a name listed by GET /connector-plugins?connectorsOnly=false (docs/transforms.md).`,
    check: (cls, all) => {
      const version = versionOf(all.raw(), prefix);
      const plugin = registry.find(kind, cls, version);
      if (!plugin) {
        if (version !== undefined && registry.find(kind, cls)) return `${cls} has no installed version ${version}; remove ${prefix}plugin.version to use the newest, or install that version under plugin.path`;
        const known = registry.classNames(kind);
        const guess = closestName(cls, known);
        return `${cls} is not an installed ${kind}; ${guess ? `did you mean ${guess}? ` : ''}use one of: ${known.join(', ')} (or install one under plugin.path, see docs/transforms.md)`;
      }
      // Cross-property rules live in create() (as in Connect's configure()); run it to report them now.
      let config: ParsedConfig;
      try { config = subConfig(all, prefix, plugin); } catch { return true; /* field problems are reported on their own properties */ }
      try {
        const instance = plugin.create(config);
        instance.close?.();
      } catch (err) {
        return `${plugin.className} refuses its configuration under ${prefix}*: ${describeError(err)}`;
      }
      return true;
    },
  });
}

/** The plugin's fields named under the prefix, their checks reading sibling properties through it. */
function prefixedFields(plugin: TransformPlugin, prefix: string, group: string): FieldDef[] {
  return plugin.configDef.fields().map((f) => {
    const check = f.check;
    return {
      ...f,
      name: prefix + f.name,
      group,
      ...(f.aliases ? { aliases: f.aliases.map((a) => prefix + a) } : {}),
      ...(f.dependents ? { dependents: f.dependents.map((d) => prefix + d) } : {}),
      ...(check ? { check: (v: never, all: ParsedValues) => check.call(f, v, unprefixed(all, prefix)) } : {}),
    } as FieldDef;
  });
}

/** A view of the connector's values under `prefix`, with the prefix removed (what a plugin's check expects). */
function unprefixed(all: ParsedValues, prefix: string): ParsedValues {
  return {
    get: <T>(field: FieldDef<T>) => all.value(prefix + field.name) as T,
    value: (name) => all.value(prefix + name),
    isSet: (name) => all.isSet(prefix + name),
    raw: () => stripPrefix(all.raw(), prefix),
  };
}

/** The raw keys under `prefix`, prefix removed, stage keys (type, predicate, negate) dropped. */
export function stripPrefix(raw: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!k.startsWith(prefix)) continue;
    const rest = k.slice(prefix.length);
    if (!STAGE_KEYS.has(rest)) out[rest] = v;
  }
  return out;
}

/** The plugin's own config from the connector's: its keys under `prefix`, parsed by its ConfigDef. */
export function subConfig(all: ParsedValues, prefix: string, plugin: TransformPlugin): ParsedConfig {
  const own = stripPrefix(all.raw(), prefix);
  // A predicate's own 'type'-like keys never collide: STAGE_KEYS are removed for predicates too.
  return plugin.configDef.parse(own, `${prefix}*`);
}
