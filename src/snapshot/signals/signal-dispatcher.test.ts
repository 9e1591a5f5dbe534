import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from '../../log/logger.ts';
import { RecordingSnapshotCommands } from '../../../test/doubles/recording-snapshot-commands.ts';
import { SignalDispatcher } from './signal-dispatcher.ts';
import { parseSignal } from './signal.ts';

function recordingLog(): { log: Logger; lines: { level: string; obj: object; msg: string }[] } {
  const lines: { level: string; obj: object; msg: string }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => { lines.push({ level, obj, msg: msg ?? '' }); };
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log } as Logger;
  return { log, lines };
}

const TABLES = ['public.orders', 'public.order_lines', 'public.Customers', 'inventory.stock'];

function setup() {
  const commands = new RecordingSnapshotCommands();
  const { log, lines } = recordingLog();
  const d = new SignalDispatcher({ commands, capturedTables: () => TABLES, log, currentOffset: () => ({ lsn: 42 }) });
  return { commands, lines, d };
}

test('execute-snapshot: regular expressions, whole id, case-insensitive, limited to captured tables, conditions by first match', () => {
  const { commands, lines, d } = setup();
  const r = d.dispatch({ id: 's1', type: 'execute-snapshot', data: JSON.stringify({
    'data-collections': ['public\\.order.*', 'PUBLIC.CUSTOMERS', 'public.orders', 'public.missing', 'orders'],
    'additional-conditions': [{ 'data-collection': 'public.orders', filter: "color = 'blue'" }, { 'data-collection': 'public\\..*', filter: 'id > 10' }],
    'surrogate-key': 'sk',
  }) }, 'source');
  assert.equal(r, 'applied');
  assert.deepEqual(commands.calls, [['execute', 'incremental', [
    { id: 'public.orders', filter: "color = 'blue'", surrogateKey: 'sk' },
    { id: 'public.order_lines', filter: 'id > 10', surrogateKey: 'sk' },
    { id: 'public.Customers', filter: 'id > 10', surrogateKey: 'sk' },
  ], 's1']]);
  const warn = lines.find((l) => l.level === 'warn')!;
  assert.match(warn.msg, /signal "s1" \(execute-snapshot\) from the source channel: "public.missing", "orders" match no captured table; fix: add the table to table.include.list/);
});

test('execute-snapshot blocking from an object payload (signal topic), id absent', () => {
  const { commands, d } = setup();
  d.dispatch({ id: undefined, type: 'execute-snapshot', data: { 'data-collections': ['inventory.stock'], type: 'BLOCKING' } }, 'kafka');
  assert.deepEqual(commands.calls, [['execute', 'blocking', [{ id: 'inventory.stock', filter: null, surrogateKey: null }], null]]);
});

test('stop, pause, resume reach the engine; stop without collections means all; blocking stop is a no-op', () => {
  const { commands, d } = setup();
  d.dispatch({ id: 'a', type: 'stop-snapshot', data: null }, 'source');
  d.dispatch({ id: 'b', type: 'stop-snapshot', data: '{"data-collections": ["public.orders", "gone.table"], "type": "incremental"}' }, 'source');
  d.dispatch({ id: 'c', type: 'stop-snapshot', data: '{"type": "blocking"}' }, 'source');
  d.dispatch({ id: 'd', type: 'pause-snapshot', data: null }, 'rest');
  d.dispatch({ id: 'e', type: 'resume-snapshot', data: '{}' }, 'rest');
  assert.deepEqual(commands.calls, [['stop', 'incremental', null], ['stop', 'incremental', ['public.orders', 'gone.table']], ['pause'], ['resume']]);
});

test('log: the message at INFO with the signal id, {} replaced by the current offset', () => {
  const { lines, d } = setup();
  d.dispatch({ id: 'l1', type: 'log', data: '{"message": "at {}"}' }, 'source');
  assert.deepEqual(lines, [{ level: 'info', obj: { signalId: 'l1', channel: 'source' }, msg: 'at {"lsn":42}' }]);
});

test('bad signals: one warning each with what, id, channel and fix; never a throw, never an engine call', () => {
  const { commands, lines, d } = setup();
  const bad: [unknown, unknown][] = [
    ['execute-snapshot', null],
    ['execute-snapshot', '{"data-collections": []}'],
    ['execute-snapshot', '{"data-collections": "public.orders"}'],
    ['execute-snapshot', '{"data-collections": ["("]}'],
    ['execute-snapshot', '{"data-collections": ["public.orders"], "type": "full"}'],
    ['execute-snapshot', '{"data-collections": ["public.orders"], "additional-conditions": [{"filter": "x"}]}'],
    ['execute-snapshot', '{"data-collections": ["public.nothing"]}'],
    ['execute-snapshot', 'not json'],
    ['log', '{}'],
    ['schema-changes', '{}'],
    ['explode', '{}'],
    [null, '{}'],
  ];
  for (const [type, data] of bad) assert.equal(d.dispatch({ id: 'x', type, data }, 'kafka'), 'rejected');
  assert.deepEqual(commands.calls, []);
  const warns = lines.filter((l) => l.level === 'warn');
  assert.ok(warns.length >= bad.length);
  for (const w of warns.filter((l) => /ignored/.test(l.msg))) assert.match(w.msg, /signal "x".* from the kafka channel.*(fix|no captured table)/);
  assert.match(warns.find((w) => /unknown signal type/.test(w.msg))!.msg, /fix: use one of execute-snapshot, stop-snapshot, pause-snapshot, resume-snapshot, log/);
});

test('an engine that refuses a command: logged, not thrown', () => {
  const { commands, lines, d } = setup();
  commands.failNext = new Error('engine is stopping');
  assert.equal(d.dispatch({ id: 'p', type: 'pause-snapshot', data: null }, 'source'), 'rejected');
  assert.match(lines.at(-1)!.msg, /signal "p" \(pause-snapshot\) from the source channel failed: engine is stopping/);
});

test('Debezium watermark rows in a shared signal table are not signals', () => {
  const { commands, d } = setup();
  assert.equal(d.dispatch({ id: 'abc-open', type: 'snapshot-window-open', data: '{}' }, 'source'), 'ignored');
  assert.deepEqual(commands.calls, []);
});

test('parseSignal: legacy additional-condition is refused with the new shape', () => {
  const p = parseSignal({ id: '1', type: 'execute-snapshot', data: { 'data-collections': ['a.b'], 'additional-condition': 'x' } });
  assert.equal(p.ok, false);
  assert.match(!p.ok ? p.fix : '', /additional-conditions/);
});

test('blocking additional-conditions: Debezium\'s SELECT * FROM ... WHERE form is reduced to its condition; other SELECTs are refused with the fix', () => {
  const blocking = (filter: string) => parseSignal({ id: 'b', type: 'execute-snapshot', data: JSON.stringify({
    type: 'blocking', 'data-collections': ['public.orders'], 'additional-conditions': [{ 'data-collection': 'public.orders', filter }],
  }) });
  const conds = (p: ReturnType<typeof parseSignal>) => (p.ok && p.signal.action.type === 'execute-snapshot' ? p.signal.action.additionalConditions.map((c) => c.filter) : null);
  assert.deepEqual(conds(blocking("SELECT * FROM public.orders WHERE color = 'blue'")), ["color = 'blue'"]);
  assert.deepEqual(conds(blocking('select * from "public"."orders" where id > 10;')), ['id > 10']);
  assert.deepEqual(conds(blocking('SELECT * FROM public.orders')), [], 'no WHERE: the whole table');
  assert.deepEqual(conds(blocking('id > 10')), ['id > 10'], 'a bare condition is taken as it is');
  for (const bad of ['SELECT id FROM public.orders WHERE id > 1', 'SELECT * FROM public.orders WHERE id > 1 ORDER BY id DESC', 'SELECT * FROM public.orders o JOIN public.x ON true']) {
    const p = blocking(bad);
    assert.equal(p.ok, false, bad);
    assert.match(!p.ok ? p.fix : '', /SELECT \* FROM <table> WHERE <condition>/);
  }
  // An incremental snapshot's filter is a WHERE condition, as in Debezium: taken as it is.
  const inc = parseSignal({ id: 'i', type: 'execute-snapshot', data: JSON.stringify({ 'data-collections': ['public.orders'], 'additional-conditions': [{ 'data-collection': 'public.orders', filter: 'id > 10' }] }) });
  assert.deepEqual(conds(inc), ['id > 10']);
});

test('every signal is counted once with its channel, its type (unknown types as "other") and its outcome', () => {
  const commands = new RecordingSnapshotCommands();
  const { log } = recordingLog();
  const counted: string[] = [];
  const d = new SignalDispatcher({ commands, capturedTables: () => TABLES, log, handled: (channel, type, outcome) => counted.push(`${channel}/${type}/${outcome}`) });
  d.dispatch({ id: 'a', type: 'pause-snapshot', data: null }, 'rest');
  d.dispatch({ id: 'b', type: 'execute-snapshot', data: { 'data-collections': ['nowhere'] } }, 'kafka');
  d.dispatch({ id: 'c', type: 'stop-snapshot', data: { type: 'blocking' } }, 'source');
  d.dispatch({ id: 'd', type: 'drop-everything', data: null }, 'source');
  d.dispatch({ id: 'e', type: 'log', data: { message: 'x' } }, 'kafka');
  assert.deepEqual(counted, ['rest/pause-snapshot/applied', 'kafka/execute-snapshot/rejected', 'source/stop-snapshot/ignored', 'source/other/rejected', 'kafka/log/applied']);
});
