import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { LogLevels, levelledLogger } from './log-levels.ts';

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

/** How often `key` occurs as a JSON property in a raw log line (JSON.parse would hide duplicates). */
function keyCount(line: string, key: string): number {
  return line.split(`"${key}":`).length - 1;
}

test('a key bound by a child is printed once, even when the call or a deeper child repeats it', async () => {
  const out = capture();
  const log = levelledLogger(new LogLevels('info'), out.stream);
  const connectorLog = log.child({ connector: 'orders' });
  connectorLog.warn({ connector: 'orders', err: 'boom' }, 'task interrupted');
  connectorLog.child({ connector: 'orders', task: 0 }).info({ connector: 'orders', task: 0, lsn: '0/1' }, 'streaming');
  await new Promise((r) => setImmediate(r));
  const [a, b] = out.lines();
  assert.equal(keyCount(a!, 'connector'), 1, a);
  assert.equal(JSON.parse(a!).err, 'boom');
  assert.equal(keyCount(b!, 'connector'), 1, b);
  assert.equal(keyCount(b!, 'task'), 1, b);
  assert.equal(JSON.parse(b!).lsn, '0/1');
});

test('the level of a connector logger follows its name, also below a child that repeats the key', async () => {
  const out = capture();
  const levels = new LogLevels('info');
  const log = levelledLogger(levels, out.stream);
  levels.set('cdc.connector.orders', 'warn');
  const c = log.child({ connector: 'orders' }).child({ connector: 'orders', task: 0 });
  c.info({}, 'hidden');
  c.warn({}, 'shown');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(out.lines().map((l) => JSON.parse(l).msg), ['shown']);
});
