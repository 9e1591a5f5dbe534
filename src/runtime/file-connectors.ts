/**
 * What the connectors section of the file given to `cdc run` changes in the config
 * topic, at start and on SIGHUP: planFileConnectors decides (pure), applyFileConnectors
 * writes it to the config store. The file is
 * the declaration of the connectors it created: one that left the file is removed, one
 * whose config differs is written back (the file wins over a REST edit of a file
 * connector), and connectors created through the REST API are never touched. The
 * origin of each connector is recorded in its config record (config-store.ts), so the
 * rule holds across restarts: a connector of an earlier file does not come back.
 */
import type { ConfigStore, StoredConnector } from '../cluster/config-store.ts';
import { CdcError, CdcErrorList } from '../errors/cdc-error.ts';
import type { Logger } from '../log/logger.ts';

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

export interface ApplyDeps {
  readonly configs: ConfigStore;
  readonly log: Logger;
  /** throws the connector's config problems (CdcError / CdcErrorList) */
  readonly parse: (name: string, config: Record<string, string>) => void;
  /** deletes as DELETE /connectors/{name} does (with the plugin's clean-up) */
  readonly remove: (name: string) => Promise<void>;
}

/**
 * Carries the plan out: every new or changed connector is parsed before anything is
 * written (a bad file changes nothing and throws every problem, in what/where/fix form),
 * then writes, then deletions.
 */
export async function applyFileConnectors(d: ApplyDeps, wanted: readonly FileConnector[]): Promise<FilePlan> {
  const plan = planFileConnectors(wanted, d.configs.names().map((n) => d.configs.get(n)).filter((c): c is StoredConnector => c !== undefined));
  const problems: CdcError[] = [];
  for (const p of plan.put) {
    if (p.why === 'declared by the file') continue;
    try {
      d.parse(p.name, p.config);
    } catch (err) {
      if (err instanceof CdcErrorList) problems.push(...err.errors);
      else if (err instanceof CdcError) problems.push(err);
      else throw err;
    }
  }
  if (problems.length > 0) throw new CdcErrorList(problems);
  for (const p of plan.put) {
    if (d.configs.get(p.name)?.origin === 'rest') {
      d.log.warn({ connector: p.name }, `connector ${p.name} was created through the REST API and is now declared by the config file: the file's config applies and removing it from the file deletes it`);
    }
    await d.configs.putConnector(p.name, p.config, undefined, 'file');
  }
  for (const name of plan.remove) {
    d.log.info({ connector: name }, `connector ${name} came from the config file and is no longer in it: stopping and deleting it`);
    await d.remove(name);
  }
  for (const name of plan.unknownOrigin) {
    d.log.warn({ connector: name }, `connector ${name} is in the config topic but not in the config file, and was stored by an older cdcd that did not record whether it came from a file or the REST API: it keeps running; if it came from an earlier file, delete it with DELETE /connectors/${name}, otherwise PUT its config once through the REST API to mark it REST-created`);
  }
  d.log.info({
    added: plan.put.filter((p) => p.why === 'new').map((p) => p.name), changed: plan.put.filter((p) => p.why === 'changed').map((p) => p.name),
    removed: plan.remove, unchanged: plan.unchanged,
  }, 'connectors of the config file applied');
  return plan;
}
