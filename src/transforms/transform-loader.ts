/**
 * Loads transformations and predicates written in JavaScript/TypeScript from plugin.path,
 * beside the built-in ones (docs/transforms.md, "Your own transform"). Each directory under
 * a plugin.path entry (or the entry itself) that holds a `cdc-transforms.json` manifest
 * ({"module": "<file>"}) contributes the plugins its module exports as
 * `transformPlugins(api): TransformPlugin[]`; `api` hands the module what it needs to build
 * plugins (TRANSFORM_PLUGIN_API), so it imports nothing from the daemon's files. Versions work as for connector plugins: two
 * versions of a class can be installed side by side, transforms.<alias>.plugin.version
 * picks one, else the newest is used.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigDef, defineField } from '../config/define.ts';
import { ConfigError } from '../errors/cdc-error.ts';
import { S } from '../events/schema.ts';
import * as schemaUtil from './schema-util.ts';
import * as headers from '../events/headers.ts';
import { TransformError } from './contracts.ts';
import type { Logger } from '../log/logger.ts';
import type { TransformPlugin } from './contracts.ts';
import type { TransformRegistry } from './transform-registry.ts';

export const TRANSFORM_MANIFEST = 'cdc-transforms.json';

/**
 * What transformPlugins(api) receives (docs/transforms.md). Version 2: record headers are an
 * ordered list of { key, schema, value } (version 1 had a name -> value object), with the
 * helpers of src/events/headers.ts as `headers`; create(config, log) gets a logger.
 */
export const TRANSFORM_PLUGIN_API = Object.freeze({ apiVersion: 2, ConfigDef, defineField, TransformError, S, schemaUtil, headers });

export async function loadTransformPluginPath(registry: TransformRegistry, dirs: readonly string[], log: Logger): Promise<void> {
  for (const root of dirs) {
    if (!existsSync(root)) continue; // the connector plugin loader reports a missing plugin.path entry
    const candidates = existsSync(join(root, TRANSFORM_MANIFEST)) ? [root]
      : readdirSync(root).map((d) => join(root, d)).filter((d) => statSync(d).isDirectory() && existsSync(join(d, TRANSFORM_MANIFEST)));
    for (const dir of candidates) {
      let plugins: TransformPlugin[];
      try {
        const manifest = JSON.parse(readFileSync(join(dir, TRANSFORM_MANIFEST), 'utf8')) as { module?: unknown };
        if (typeof manifest.module !== 'string') throw new Error(`${TRANSFORM_MANIFEST} has no "module" naming the file to load`);
        const mod = await import(pathToFileURL(resolve(dir, manifest.module)).href) as { transformPlugins?: (api: typeof TRANSFORM_PLUGIN_API) => unknown };
        if (typeof mod.transformPlugins !== 'function') throw new Error(`${manifest.module} exports no transformPlugins()`);
        const list = mod.transformPlugins(TRANSFORM_PLUGIN_API);
        if (!Array.isArray(list)) throw new Error('transformPlugins() returned no array');
        plugins = list.map((p, i) => checked(p, i));
      } catch (err) {
        throw new ConfigError({
          code: 'CDC_PLUGIN_LOAD', what: `cannot load the transforms in ${dir}: ${(err as Error).message}`,
          where: 'worker property plugin.path', fix: `the directory needs ${TRANSFORM_MANIFEST} naming a module that exports transformPlugins() (docs/transforms.md); fix or remove it`,
        });
      }
      try {
        registry.register(...plugins);
      } catch {
        throw new ConfigError({ code: 'CDC_PLUGIN_DUPLICATE', what: `a transform or predicate in ${dir} has the class name and version of one already installed`, where: 'worker property plugin.path', fix: 'keep one copy of each plugin version; give a new build a new version' });
      }
      for (const p of plugins) log.info({ class: p.className, kind: p.kind, version: p.version, dir }, 'transform plugin loaded');
    }
  }
}

/** The interface is small; say exactly what an object lacks instead of failing later on a record. */
function checked(p: unknown, i: number): TransformPlugin {
  const o = p as Partial<TransformPlugin> | null;
  const lacks = (what: string) => new Error(`plugin #${i} returned by transformPlugins() ${what}`);
  if (!o || typeof o !== 'object') throw lacks('is not an object');
  if (o.kind !== 'transformation' && o.kind !== 'predicate') throw lacks('needs kind "transformation" or "predicate"');
  if (typeof o.className !== 'string' || o.className === '') throw lacks('needs a className');
  if (typeof o.version !== 'string' || o.version === '') throw lacks(`(${o.className}) needs a version string`);
  if (o.configDef !== undefined && !(o.configDef instanceof ConfigDef)) throw lacks(`(${o.className}) needs a configDef built with api.ConfigDef`);
  if (typeof o.create !== 'function') throw lacks(`(${o.className}) needs create(config, log)`);
  return { aliases: [], doc: '', configDef: new ConfigDef([]), ...o } as TransformPlugin;
}
