/**
 * Config providers, as in Kafka (KIP-297/KIP-421): `${env:NAME}`, `${file:path:key}`
 * (a key of a .properties file) and `${file:path}` (a whole file, trimmed, as for
 * Docker/Kubernetes secret files) inside any string value.
 * Resolution is one pass: a resolved value is never scanned again, so a secret that
 * happens to contain "${" cannot pull in anything else. Unknown providers are left as
 * written, as Kafka does. Every property that used a provider is reported back so that
 * logs, errors and REST answers hide it like a password.
 * The environment and file system are injected: this module reads neither directly.
 */
import { CdcErrorList, ConfigError } from '../errors/cdc-error.ts';
import { parseProperties } from './properties-format.ts';

export interface ProviderIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a UTF-8 text file; throws (ENOENT, EACCES, ...) when it cannot. */
  readonly readFile: (path: string) => string;
}

export interface ResolvedConfig {
  readonly values: Record<string, unknown>;
  /** Properties whose value came (partly) from a provider: treat them as secrets. */
  readonly fromProvider: ReadonlySet<string>;
}

// Kafka's placeholder grammar: ${provider:[path:]key}; the path ends at the first colon.
const PLACEHOLDER = /\$\{([^}:]*?):(?:([^}]*?):)?([^}]*?)\}/g;

type Lookup = { ok: true; value: string } | { ok: false; what: string; fix: string };

/** Resolves placeholders in `raw`; throws a CdcErrorList naming every one that failed. */
export function resolveProviders(raw: Readonly<Record<string, unknown>>, io: ProviderIo, where: string): ResolvedConfig {
  const files = new Map<string, { text?: string; error?: string }>();
  const errors: ConfigError[] = [];
  const fromProvider = new Set<string>();

  const readCached = (path: string): { text?: string; error?: string } => {
    let entry = files.get(path);
    if (!entry) {
      try {
        entry = { text: io.readFile(path) };
      } catch (err) {
        entry = { error: (err as NodeJS.ErrnoException).code ?? 'unreadable' };
      }
      files.set(path, entry);
    }
    return entry;
  };

  const lookup = (provider: string, path: string | undefined, key: string): Lookup | undefined => {
    if (provider === 'env') {
      const value = io.env[key];
      return value !== undefined
        ? { ok: true, value }
        : {
            ok: false,
            what: `environment variable ${key} is not set`,
            fix: `set ${key} in the daemon's environment (e.g. docker run -e ${key}=...), or write the value into the config`,
          };
    }
    if (provider !== 'file') return undefined;
    const file = path === undefined || path === '' ? key : path;
    const read = readCached(file);
    if (read.text === undefined) {
      return {
        ok: false,
        what: `file ${file} cannot be read (${read.error})`,
        fix: `check that ${file} exists and is readable by the daemon's user; relative paths are resolved against the config file's directory`,
      };
    }
    if (file === key) return { ok: true, value: read.text.trim() };
    const props = parseProperties(read.text, file).values;
    if (Object.hasOwn(props, key)) return { ok: true, value: props[key] };
    const known = Object.keys(props);
    return {
      ok: false,
      what: `file ${file} has no key ${key}`,
      fix: `add ${key}=... to ${file} or correct the key${known.length ? ` (keys there: ${known.slice(0, 10).join(', ')})` : ''}`,
    };
  };

  const resolveString = (property: string, s: string): string =>
    s.replace(PLACEHOLDER, (placeholder, provider: string, path: string | undefined, key: string) => {
      let result: Lookup | undefined;
      try {
        result = lookup(provider, path, key);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        result = { ok: false, what: err.what, fix: err.fix ?? '' };
      }
      if (result === undefined) return placeholder;
      fromProvider.add(property);
      if (result.ok) return result.value;
      errors.push(
        new ConfigError({
          code: 'CDC_CONFIG_PROVIDER',
          what: `placeholder ${placeholder} cannot be resolved: ${result.what}`,
          where: `${where}, property ${property}`,
          fix: result.fix,
        }),
      );
      return placeholder;
    });

  const resolveValue = (property: string, value: unknown): unknown => {
    if (typeof value === 'string') return resolveString(property, value);
    if (Array.isArray(value)) return value.map((v) => resolveValue(property, v));
    return value;
  };

  const values: Record<string, unknown> = {};
  for (const [property, value] of Object.entries(raw)) values[property] = resolveValue(property, value);
  if (errors.length > 0) throw new CdcErrorList(errors);
  return { values, fromProvider };
}
