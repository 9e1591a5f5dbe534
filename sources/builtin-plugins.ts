/**
 * The connector plugins built into the daemon: the one list a new source adds itself to
 * (one line). The composition root (src/cli.ts) registers them on the PluginRegistry it
 * hands to the worker, and scripts/gen-config-docs.ts renders their configReference
 * sections; src/ itself never imports a plugin (DESIGN.md, layout). Plugins outside the
 * image come from plugin.path (src/runtime/plugin-loader.ts).
 */
import type { SourceConnectorPlugin } from '../src/runtime/source-task.ts';
import { createPostgresPlugin } from './postgres/connector.ts';
import { createMariaDbPlugin, createMySqlPlugin } from './mysql/connector.ts';

export function builtinPlugins(): SourceConnectorPlugin[] {
  return [
    createPostgresPlugin(),
    createMySqlPlugin(),
    createMariaDbPlugin(),
  ];
}
