import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../log/logger.ts';
import { connectFrameworkConfigDef } from '../config/connect-framework-fields.ts';
import { buildTransformChain } from './chain.ts';
import { builtinTransformRegistry } from './builtin.ts';
import { withTransformFields } from './transform-config.ts';
import { loadTransformPluginPath } from './transform-loader.ts';
import { recordingLogger } from '../../test/doubles/recording-logger.ts';

function install(root: string, dir: string, version: string, suffix: string): void {
  mkdirSync(join(root, dir));
  writeFileSync(join(root, dir, 'cdc-transforms.json'), JSON.stringify({ module: 'upper.mjs' }));
  writeFileSync(join(root, dir, 'upper.mjs'), `
export function transformPlugins(api) {
  const field = api.defineField({ name: 'field', type: 'string', group: 'Upper', doc: 'field to upper-case' });
  return [{
    kind: 'transformation', className: 'com.example.Upper', version: '${version}', doc: 'upper-cases a field',
    configDef: new api.ConfigDef([field]),
    create(config, log) {
      const name = config.get(field);
      return { apply: (r) => {
        log?.info({ api: api.apiVersion }, 'upper-casing');
        const out = { ...r, value: { ...r.value, [name]: String(r.value[name]).toUpperCase() + '${suffix}' } };
        return api.headers.appendHeaders(out, [api.headers.textHeader('upper', '${version}')]);
      } };
    },
  }];
}`);
}

test('a transform module from plugin.path is registered, validated like a built-in, and versioned', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cdc-smt-'));
  install(root, 'v1', '1.0.0', '1');
  install(root, 'v2', '2.0.0', '2');
  const registry = builtinTransformRegistry();
  await loadTransformPluginPath(registry, [root], createLogger({ level: 'error' }));
  const { log, lines } = recordingLogger();
  const chainFor = (extra: Record<string, string>) => {
    const raw = { name: 'c', 'connector.class': 'x', transforms: 'u', 'transforms.u.type': 'com.example.Upper', 'transforms.u.field': 'nm', ...extra };
    return buildTransformChain(withTransformFields(connectFrameworkConfigDef(), raw, registry).parse(raw, 'c'), registry, 'c', log)!;
  };
  const rec = { topic: 't', keySchema: null, key: null, valueSchema: null, value: { nm: 'ab' } };
  assert.deepEqual(chainFor({}).apply(rec)!.value, { nm: 'AB2' }, 'the newest version by default');
  assert.deepEqual(chainFor({}).apply(rec)!.headers!.map((h) => [h.key, h.value]), [['upper', '2.0.0']], 'api.headers helpers');
  assert.deepEqual(chainFor({ 'transforms.u.plugin.version': '1.0.0' }).apply(rec)!.value, { nm: 'AB1' });
  assert.deepEqual(lines.at(-1), { level: 'info', bindings: { transform: 'u' }, obj: { api: 2 }, msg: 'upper-casing' }, 'the plugin logs through the logger create() received');
  const raw = { name: 'c', 'connector.class': 'x', transforms: 'u', 'transforms.u.type': 'com.example.Upper' };
  assert.throws(() => withTransformFields(connectFrameworkConfigDef(), raw, registry).parse(raw, 'c'), /required property transforms\.u\.field is not set/);
});

test('a module without transformPlugins() is refused with the fix', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cdc-smt-'));
  writeFileSync(join(root, 'cdc-transforms.json'), JSON.stringify({ module: 'x.mjs' }));
  writeFileSync(join(root, 'x.mjs'), 'export const nothing = 1;');
  await assert.rejects(loadTransformPluginPath(builtinTransformRegistry(), [root], createLogger({ level: 'error' })), /CDC_PLUGIN_LOAD: cannot load the transforms in .*exports no transformPlugins\(\)/);
});
