import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredConnector } from '../cluster/config-store.ts';
import { planFileConnectors } from './file-connectors.ts';

const stored = (name: string, config: Record<string, string>, origin: StoredConnector['origin']): StoredConnector =>
  ({ name, config, origin, target: 'STARTED', taskConfigs: [], createdBy: null });

test('a connector that left the file is removed; REST-created ones stay; unchanged ones are left alone', () => {
  const plan = planFileConnectors(
    [{ name: 'kept', config: { a: '1', b: '2' } }, { name: 'edited', config: { a: '2' } }, { name: 'added', config: { a: '1' } }],
    [
      stored('kept', { b: '2', a: '1' }, 'file'), // same properties, other order: unchanged
      stored('edited', { a: '1' }, 'file'),
      stored('gone', { a: '1' }, 'file'),
      stored('api', { a: '1' }, 'rest'),
    ],
  );
  assert.deepEqual(plan.put.map((p) => [p.name, p.why]), [['edited', 'changed'], ['added', 'new']]);
  assert.deepEqual(plan.put.find((p) => p.name === 'edited')?.config, { a: '2' });
  assert.deepEqual(plan.remove, ['gone']);
  assert.deepEqual(plan.unchanged, ['kept']);
  assert.deepEqual(plan.unknownOrigin, []);
});

test('fifteen connectors of an earlier file do not survive a start with a one-connector file', () => {
  const earlier = Array.from({ length: 15 }, (_, i) => stored(`c${i}`, { a: String(i) }, 'file'));
  const plan = planFileConnectors([{ name: 'c0', config: { a: '0' } }], earlier);
  assert.deepEqual(plan.remove, earlier.slice(1).map((c) => c.name));
  assert.deepEqual(plan.unchanged, ['c0']);
});

test('a stored connector the file now declares gets the file origin without a config change (no restart)', () => {
  const plan = planFileConnectors([{ name: 'api', config: { a: '1' } }, { name: 'old', config: { a: '1' } }], [stored('api', { a: '1' }, 'rest'), stored('old', { a: '1' }, null)]);
  assert.deepEqual(plan.put.map((p) => [p.name, p.why]), [['api', 'declared by the file'], ['old', 'declared by the file']]);
  const reordered = planFileConnectors([{ name: 'api', config: { b: '2', a: '1' } }], [stored('api', { a: '1', b: '2' }, 'rest')]);
  assert.deepEqual(Object.keys(reordered.put[0]!.config), ['a', 'b'], 'the stored key order is kept: the herder compares configs as JSON');
});

test('a connector stored by an older cdcd (no origin) and absent from the file is kept and reported, never deleted', () => {
  const plan = planFileConnectors([], [stored('legacy', { a: '1' }, null), stored('api', { a: '1' }, 'rest')]);
  assert.deepEqual(plan.remove, []);
  assert.deepEqual(plan.unknownOrigin, ['legacy']);
});

test('an empty file removes every file connector and nothing else', () => {
  const plan = planFileConnectors([], [stored('f', { a: '1' }, 'file'), stored('api', { a: '1' }, 'rest')]);
  assert.deepEqual(plan.remove, ['f']);
  assert.deepEqual(plan.put, []);
});

test('applying: a file with one bad connector writes and deletes nothing and throws every problem', async () => {
  const { applyFileConnectors } = await import('./file-connectors.ts');
  const { CdcError, CdcErrorList } = await import('../errors/cdc-error.ts');
  const { silentLogger } = await import('../log/logger.ts');
  const store = new Map([['gone', stored('gone', { a: '1' }, 'file')]]);
  const writes: string[] = [];
  const configs = {
    names: () => [...store.keys()], get: (n: string) => store.get(n),
    putConnector: async (n: string) => { writes.push(`put ${n}`); return { created: true }; },
  } as never;
  const deps = {
    configs, log: silentLogger(), remove: async (n: string) => { writes.push(`delete ${n}`); },
    parse: (name: string, config: Record<string, string>) => {
      if (config['bad']) throw new CdcError({ code: 'CDC_CONFIG_INVALID', what: `bad value in ${name}`, where: `connector "${name}"`, fix: 'remove bad' });
    },
  };
  await assert.rejects(applyFileConnectors(deps, [{ name: 'x', config: { bad: '1' } }, { name: 'y', config: { bad: '2' } }]),
    (e: unknown) => e instanceof CdcErrorList && e.errors.length === 2);
  assert.deepEqual(writes, []);
  await applyFileConnectors(deps, [{ name: 'x', config: { a: '1' } }]);
  assert.deepEqual(writes, ['put x', 'delete gone']);
});
