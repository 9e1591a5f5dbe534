import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PluginRegistry } from './plugin-registry.ts';
import { ConfigDef } from '../config/define.ts';
import { connectFrameworkConfigDef } from '../config/connect-framework-fields.ts';
import { SOURCE_TASK_FIELDS } from '../config/source-task-fields.ts';
import type { SourceConnectorPlugin } from './source-task.ts';

function plugin(configDef: ConfigDef): SourceConnectorPlugin {
  return {
    className: 'com.example.DemoConnector', aliases: ['demo'], version: '1.0.0', type: 'source', configDef,
    validateEnvironment: async () => [], taskConfigs: () => [{}], createTask: () => { throw new Error('not here'); }, partitions: () => [],
  };
}

test('a plugin declaring the framework and source task fields registers', () => {
  const def = connectFrameworkConfigDef().merge(new ConfigDef(Object.values(SOURCE_TASK_FIELDS)));
  const r = new PluginRegistry().register(plugin(def));
  assert.equal(r.find('demo', 'test').className, 'com.example.DemoConnector');
});

test('a plugin missing a property the runtime reads is refused at registration, naming it', () => {
  assert.throws(() => new PluginRegistry().register(plugin(connectFrameworkConfigDef())),
    (err: Error & { code?: string }) => err.code === 'CDC_PLUGIN_CONTRACT' && /max\.batch\.size/.test(err.message) && /poll\.interval\.ms/.test(err.message));
  assert.throws(() => new PluginRegistry().register(plugin(new ConfigDef(Object.values(SOURCE_TASK_FIELDS)))),
    (err: Error & { code?: string }) => err.code === 'CDC_PLUGIN_CONTRACT' && /topic\.creation\.groups/.test(err.message));
});
