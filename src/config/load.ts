/**
 * Reads the daemon's config file (cdc.yaml; shape in docs/config-reference.md) and
 * Kafka Connect standalone-style files, resolves ${env:}/${file:} placeholders and
 * hands back raw property maps for the ConfigDefs to parse. Nothing here knows a
 * property's type: parsing belongs to the worker def and to each plugin's def.
 * The environment and file system are injected (cli.ts passes process.env), so that
 * nothing else in the process reads process.env.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { CdcError, CdcErrorList, ConfigError } from '../errors/cdc-error.ts';
import { parseConfigText, type ConfigTree } from './config-file-format.ts';
import { closestName } from './did-you-mean.ts';
import { resolveProviders, type ProviderIo } from './providers.ts';

export type LoadIo = ProviderIo;

export interface LoadedProperties {
  /** Values with placeholders resolved: parse these with the ConfigDef. */
  readonly config: Record<string, unknown>;
  /** Values as written, placeholders intact: store and show these, so secrets never reach Kafka or REST answers. */
  readonly written: Record<string, unknown>;
  /** Properties filled by a provider: pass as SecretOptions.secretKeys. */
  readonly secretKeys: ReadonlySet<string>;
  /** Prefix for error locations, e.g. 'connector "inventory" (cdc.yaml:12)'. */
  readonly where: string;
}

export interface ConnectorSource extends LoadedProperties {
  readonly name: string;
}

export interface DaemonConfig {
  readonly file: string;
  readonly worker: LoadedProperties;
  readonly connectors: readonly ConnectorSource[];
}

/** The fs-backed reader cli.ts passes in. */
export function readTextFile(path: string): string {
  return readFileSync(path, 'utf8');
}

/**
 * cdc.yaml / cdc.json, or a Connect worker .properties file (worker settings only).
 * Throws one CdcErrorList with every problem found (file, syntax, shape, placeholders).
 */
export function loadDaemonConfig(path: string, io: LoadIo): DaemonConfig {
  return asErrorList(() => loadDaemon(path, io));
}

function loadDaemon(path: string, io: LoadIo): DaemonConfig {
  const tree = readTree(path, io);
  const errors: CdcError[] = [];
  const root = tree.format === 'properties' ? { worker: tree.root } : tree.root;
  if (!isRecord(root)) throw shapeError(`${path} is not a mapping`, path, 'start the file with `worker:` and `connectors:` sections');
  for (const key of Object.keys(root)) {
    if (key === 'worker' || key === 'connectors') continue;
    const guess = closestName(key, ['worker', 'connectors']);
    errors.push(new ConfigError({
      code: 'CDC_CONFIG_UNKNOWN', what: `unknown top-level section ${key}`, where: path,
      fix: guess ? `did you mean ${guess}?` : 'the file has two sections: worker (daemon settings) and connectors',
    }));
  }
  const fileIo = relativeTo(path, io);
  const worker = collect(errors, () => {
    const raw = root.worker ?? {};
    if (!isRecord(raw)) throw shapeError('worker must be a mapping of property: value', `${path}, worker`, 'indent worker properties under `worker:`');
    return resolveSection(flatten(raw, `${path}, worker`), fileIo, `${path}, worker`);
  });
  const connectors: ConnectorSource[] = [];
  for (const entry of collect(errors, () => connectorEntries(root.connectors, tree, path)) ?? []) {
    const loaded = collect(errors, () => resolveSection(entry.config, fileIo, entry.where));
    if (loaded) connectors.push({ ...loaded, name: entry.name });
  }
  if (errors.length > 0) throw new CdcErrorList(errors);
  return { file: path, worker: worker!, connectors };
}

/** One connector: .properties (Connect standalone), or JSON/YAML either `{name, config}` (the REST body) or flat. */
export function loadConnectorFile(path: string, io: LoadIo): ConnectorSource {
  return asErrorList(() => {
    const tree = readTree(path, io);
    const [entry] = connectorEntries([tree.root], tree, path);
    return { ...resolveSection(entry.config, relativeTo(path, io), entry.where), name: entry.name };
  });
}

interface Entry {
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly where: string;
}

/** Accepts a list of `{name, config}` or flat entries, or a mapping name -> config. */
function connectorEntries(value: unknown, tree: ConfigTree, file: string): Entry[] {
  if (value === undefined || value === null) return [];
  const at = (node: object, fallback: string): string => {
    const line = tree.lineOf(node);
    return line ? `${file}:${line}` : `${file}, ${fallback}`;
  };
  const items: Array<{ name: unknown; config: unknown; node: object; label: string }> = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (!isRecord(item)) throw shapeError(`connectors[${i}] is not a mapping`, `${file}, connectors[${i}]`, 'write each connector as `- name: ...` with a `config:` mapping');
      const nested = item.config !== undefined;
      const extra = Object.keys(item).filter((k) => k !== 'name' && k !== 'config');
      if (nested && extra.length > 0) {
        throw shapeError(`connectors[${i}] has ${extra.join(', ')} beside config`, at(item, `connectors[${i}]`), `move ${extra.join(', ')} into config`);
      }
      items.push({ name: item.name ?? (nested && isRecord(item.config) ? item.config.name : undefined), config: nested ? item.config : item, node: item, label: `connectors[${i}]` });
    });
  } else if (isRecord(value)) {
    for (const [name, config] of Object.entries(value)) items.push({ name, config, node: isRecord(config) ? config : value, label: `connectors.${name}` });
  } else {
    throw shapeError('connectors must be a list or a mapping', `${file}, connectors`, 'write `connectors:` followed by `- name: ...` entries');
  }
  const seen = new Set<string>();
  return items.map(({ name, config, node, label }) => {
    const place = at(node, label);
    if (typeof name !== 'string' || name.trim() === '') throw shapeError(`${label} has no name`, place, 'add `name: <unique connector name>`');
    if (!isRecord(config)) throw shapeError(`config of connector "${name}" is not a mapping`, place, 'write config as property: value lines');
    if (config.name !== undefined && config.name !== name) {
      throw shapeError(`connector "${name}" has config.name "${String(config.name)}"`, place, 'use the same name in both places, or drop config.name');
    }
    if (seen.has(name)) throw shapeError(`connector name "${name}" is used twice`, place, 'give every connector a unique name');
    seen.add(name);
    const where = `connector "${name}" (${place})`;
    return { name, where, config: { name, ...flatten(config, where) } };
  });
}

function readTree(path: string, io: LoadIo): ConfigTree {
  let text: string;
  try {
    text = io.readFile(path);
  } catch (err) {
    throw new ConfigError({
      code: 'CDC_CONFIG_FILE', what: `cannot read config file ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      where: path, fix: 'check the path and that the daemon\'s user may read the file', cause: err,
    });
  }
  return parseConfigText(text, path);
}

function resolveSection(config: Record<string, unknown>, io: LoadIo, where: string): LoadedProperties {
  const { values, fromProvider } = resolveProviders(config, io, where);
  return { config: values, written: config, secretKeys: fromProvider, where };
}

/** `${file:}` paths are relative to the config file, so the daemon's working directory does not matter. */
function relativeTo(configPath: string, io: LoadIo): LoadIo {
  const base = dirname(resolve(configPath));
  return { env: io.env, readFile: (p) => io.readFile(isAbsolute(p) ? p : resolve(base, p)) };
}

/** Nested YAML mappings become dotted names: `database: {hostname: x}` is `database.hostname: x`. */
function flatten(map: Record<string, unknown>, where: string, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [key, value] of Object.entries(map)) {
    const name = prefix + key;
    if (isRecord(value)) {
      flatten(value, where, `${name}.`, out);
    } else if (Object.hasOwn(out, name)) {
      throw shapeError(`property ${name} is written twice (once nested, once dotted)`, where, `keep one of the two ${name} entries`);
    } else {
      out[name] = value;
    }
  }
  return out;
}

function collect<T>(errors: CdcError[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CdcErrorList) errors.push(...err.errors);
    else if (err instanceof CdcError) errors.push(err);
    else throw err;
    return undefined;
  }
}

function asErrorList<T>(fn: () => T): T {
  const errors: CdcError[] = [];
  const result = collect(errors, fn);
  if (errors.length > 0) throw new CdcErrorList(errors);
  return result as T;
}

function shapeError(what: string, where: string, fix: string): ConfigError {
  return new ConfigError({ code: 'CDC_CONFIG_SHAPE', what, where, fix });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
