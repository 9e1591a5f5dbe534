/**
 * Loads connector plugins installed under plugin.path, beside the built-in
 * ones: each directory there that holds a `cdc-plugin.json` manifest
 * ({"module": "<file exporting createPlugin()>"}) is one plugin version.
 * Two versions of one connector class can be installed side by side; a
 * connector picks one with connector.plugin.version (KIP-891), else the newest.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors/cdc-error.ts';
import type { SourceConnectorPlugin } from './source-task.ts';
import type { PluginRegistry } from './plugin-registry.ts';
import type { Logger } from '../log/logger.ts';

interface Manifest { readonly module: string }

export async function loadPluginPath(registry: PluginRegistry, dirs: readonly string[], log: Logger): Promise<void> {
  for (const root of dirs) {
    if (!existsSync(root)) throw new ConfigError({ code: 'CDC_PLUGIN_PATH', what: `plugin.path entry ${root} does not exist`, where: 'worker property plugin.path', fix: 'create the directory or remove it from plugin.path' });
    const candidates = existsSync(join(root, 'cdc-plugin.json')) ? [root]
      : readdirSync(root).map((d) => join(root, d)).filter((d) => statSync(d).isDirectory() && existsSync(join(d, 'cdc-plugin.json')));
    for (const dir of candidates) {
      let plugin: SourceConnectorPlugin;
      try {
        const manifest = JSON.parse(readFileSync(join(dir, 'cdc-plugin.json'), 'utf8')) as Manifest;
        const mod = await import(pathToFileURL(resolve(dir, manifest.module)).href) as { createPlugin?: () => SourceConnectorPlugin };
        if (typeof mod.createPlugin !== 'function') throw new Error(`${manifest.module} exports no createPlugin()`);
        plugin = mod.createPlugin();
      } catch (err) {
        throw new ConfigError({
          code: 'CDC_PLUGIN_LOAD', what: `cannot load the connector plugin in ${dir}: ${(err as Error).message}`,
          where: 'worker property plugin.path', fix: 'the directory needs cdc-plugin.json naming a module that exports createPlugin(); fix or remove it',
        });
      }
      if (registry.all().some((p) => p.className === plugin.className && p.version === plugin.version)) {
        throw new ConfigError({ code: 'CDC_PLUGIN_DUPLICATE', what: `${plugin.className} version ${plugin.version} is installed twice (again in ${dir})`, where: 'worker property plugin.path', fix: 'keep one copy of each plugin version' });
      }
      registry.register(plugin);
      log.info({ class: plugin.className, version: plugin.version, dir }, 'connector plugin loaded');
    }
  }
}
