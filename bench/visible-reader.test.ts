import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonEvent, visibleFigures, type VisibleEvents } from './visible-reader.ts';

const events = (rows: [id: number, commitMs: number, visibleMs: number][]): VisibleEvents => ({
  count: rows.length, duplicates: 0, bytes: 0,
  ids: Float64Array.from(rows.map((r) => r[0])), commitMs: Float64Array.from(rows.map((r) => r[1])), visibleMs: Float64Array.from(rows.map((r) => r[2])),
});

test('events/s spans first commit to last visible; a catch-up counts from the resume, latency still from each commit', () => {
  const ev = events([[1, 0, 5], [2, 1000, 5000], [3, 2000, 6000], [4, 3000, 7000]]);
  const live = visibleFigures(ev);
  assert.equal(live.visibleEvents, 3, 'the warm-up row (id 1) is not counted');
  assert.equal(live.spanSeconds, 6);
  const caught = visibleFigures(ev, 1, Infinity, 5000);
  assert.equal(caught.spanSeconds, 2);
  assert.equal(caught.eventsPerSecond, 1.5);
  assert.equal(caught.latencyMs.max, 4000);
  assert.equal(visibleFigures(ev, 1, Infinity, 500).spanSeconds, 6, 'a resume before the first commit changes nothing');
});

test('a JsonConverter value is read with or without its schema envelope', () => {
  const payload = { before: null, after: { id: 7 }, source: { ts_ms: 1700 }, op: 'c' };
  assert.deepEqual(jsonEvent(Buffer.from(JSON.stringify({ schema: { type: 'struct' }, payload }))), payload);
  assert.deepEqual(jsonEvent(Buffer.from(JSON.stringify(payload))), payload);
  assert.throws(() => jsonEvent(Buffer.from('{"x":1}')), /not a JSON change event/);
});
