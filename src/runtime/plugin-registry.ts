/**
 * The connector plugins this daemon can run, handed to the worker by the
 * composition root (cli.ts). Nothing registers itself by being imported.
 */
import { CdcError, ConfigError } from '../errors/cdc-error.ts';
import { closestName } from '../config/did-you-mean.ts';
import type { SourceConnectorPlugin } from './source-task.ts';
import { connectFrameworkConfigDef } from '../config/connect-framework-fields.ts';
import { runtimeReadFields } from '../config/source-task-fields.ts';

export class PluginRegistry {
  private readonly plugins: SourceConnectorPlugin[] = [];

  /** Refuses a plugin whose ConfigDef lacks a property the runtime reads (CDC_PLUGIN_CONTRACT). */
  register(plugin: SourceConnectorPlugin): this {
    const needed = [...connectFrameworkConfigDef().fields(), ...runtimeReadFields()].map((f) => f.name);
    const missing = needed.filter((n) => plugin.configDef.field(n) === undefined);
    if (missing.length > 0) {
      throw new CdcError({
        code: 'CDC_PLUGIN_CONTRACT',
        what: `connector plugin ${plugin.className} ${plugin.version} does not declare ${missing.join(', ')}, which the runtime reads for every connector`,
        where: `plugin ${plugin.className}`,
        fix: 'build the plugin\'s configDef as connectFrameworkConfigDef().merge(...) and include SOURCE_TASK_FIELDS (src/config/source-task-fields.ts); see docs/writing-a-source.md',
      });
    }
    this.plugins.push(plugin);
    return this;
  }

  all(): readonly SourceConnectorPlugin[] {
    return this.plugins;
  }

  /** By class name or alias; with several versions, `version` picks one (default: newest). */
  find(name: string, where: string, version?: string): SourceConnectorPlugin {
    const n = name.toLowerCase();
    const matches = this.plugins.filter((p) => p.className.toLowerCase() === n || p.aliases.some((a) => a.toLowerCase() === n) || p.className.toLowerCase().endsWith(`.${n}`));
    const chosen = version ? matches.find((p) => p.version === version) : matches.sort((a, b) => compareVersions(b.version, a.version))[0];
    if (chosen) return chosen;
    const known = this.plugins.map((p) => p.className);
    const guess = closestName(name, known);
    throw new ConfigError({
      code: 'CDC_CONFIG_UNKNOWN_PLUGIN',
      what: matches.length > 0
        ? `connector plugin ${name} has no version ${version} (installed: ${matches.map((m) => m.version).join(', ')})`
        : `no connector plugin named ${name}`,
      where: `${where}, property ${matches.length > 0 ? 'connector.plugin.version' : 'connector.class'}`,
      fix: guess ? `did you mean ${guess}? Installed: ${known.join(', ')}` : `use one of: ${known.join(', ')}`,
    });
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
