/**
 * What the connectors section of the file given to `cdc run` changes in the config
 * topic, at start and on SIGHUP (pure: the herder carries the plan out). The file is
 * the declaration of the connectors it created: one that left the file is removed, one
 * whose config differs is written back (the file wins over a REST edit of a file
 * connector), and connectors created through the REST API are never touched. The
 * origin of each connector is recorded in its config record (config-store.ts), so the
 * rule holds across restarts: a connector of an earlier file does not come back.
 */
import type { StoredConnector } from '../cluster/config-store.ts';

export interface FileConnector { readonly name: string; readonly config: Record<string, string> }

export interface FilePlan {
  /** written with origin 'file': new ones, changed ones, and stored ones the file now declares */
  readonly put: readonly { readonly name: string; readonly config: Record<string, string>; readonly why: 'new' | 'changed' | 'declared by the file' }[];
  /** file connectors no longer in the file: stopped and deleted */
  readonly remove: readonly string[];
  /** not in the file, origin never recorded (written by an older cdcd): kept, with a warning */
  readonly unknownOrigin: readonly string[];
  /** in the file and stored as they are: left alone (no restart) */
  readonly unchanged: readonly string[];
}

export function planFileConnectors(file: readonly FileConnector[], stored: readonly StoredConnector[]): FilePlan {
  const inFile = new Set(file.map((c) => c.name));
  const byName = new Map(stored.map((c) => [c.name, c]));
  const put: FilePlan['put'][number][] = [];
  const unchanged: string[] = [];
  for (const c of file) {
    const s = byName.get(c.name);
    if (!s) put.push({ name: c.name, config: c.config, why: 'new' });
    else if (!sameConfig(s.config, c.config)) put.push({ name: c.name, config: c.config, why: 'changed' });
    // Same config, origin not yet 'file' (REST-created, or an older cdcd): record the origin. The stored
    // map is written back as it is (same key order), so the herder sees no config change and no restart.
    else if (s.origin !== 'file') put.push({ name: c.name, config: s.config, why: 'declared by the file' });
    else unchanged.push(c.name);
  }
  const remove = stored.filter((s) => !inFile.has(s.name) && s.origin === 'file').map((s) => s.name);
  const unknownOrigin = stored.filter((s) => !inFile.has(s.name) && s.origin === null).map((s) => s.name);
  return { put, remove, unknownOrigin, unchanged };
}

/** Key order does not matter: a file edit that only reorders properties changes nothing. */
function sameConfig(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}
