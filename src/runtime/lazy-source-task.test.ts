import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LazySourceTask } from './lazy-source-task.ts';
import type { SourceTask, SourceTaskContext } from './source-task.ts';

test('the task loads at start and is delegated to afterwards; stop before start loads nothing', async () => {
  let loads = 0;
  const calls: string[] = [];
  const inner: SourceTask = {
    start: async () => { calls.push('start'); },
    poll: async () => { calls.push('poll'); return []; },
    committed: () => { calls.push('committed'); },
    health: () => ({ stalled: 'slot busy' }),
    finished: () => true,
    stop: async () => { calls.push('stop'); },
  };
  const idle = new LazySourceTask(async () => { loads++; return inner; });
  await idle.stop();
  assert.equal(loads, 0);
  assert.deepEqual(idle.health(), { stalled: null });
  assert.equal(idle.finished(), false);
  assert.throws(() => idle.committed({}, {}), /before start\(\)/);

  const t = new LazySourceTask(async () => { loads++; return inner; });
  await t.start({} as SourceTaskContext);
  assert.deepEqual(await t.poll(10), []);
  t.committed({ s: 'a' }, { o: 1 });
  assert.deepEqual(t.health(), { stalled: 'slot busy' });
  assert.equal(t.finished(), true);
  await t.stop();
  assert.equal(loads, 1);
  assert.deepEqual(calls, ['start', 'poll', 'committed', 'stop']);
});
