/**
 * The single-transaction snapshot's COPY stream, driven as node-postgres drives a query object:
 * pieces of rowsPerChunk rows handed over at row ends, the socket paused while one waits and
 * resumed when it is taken, errors and abort. Against a real server (the pause included):
 * test/integration/pg-single-snapshot.it.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CopyColumns } from './copy-chunk.ts';
import { CopyStreamQuery } from './copy-stream.ts';

/** The socket as the query object sees it, recording what was done to it. */
function socket() {
  const s = { paused: false, pauses: 0, destroyed: false, pause() { s.paused = true; s.pauses++; }, resume() { s.paused = false; }, destroy() { s.destroyed = true; } };
  return s;
}

function started(rowsPerChunk: number) {
  const q = new CopyStreamQuery('COPY (SELECT 1) TO STDOUT', new CopyColumns(['id', 'v']), rowsPerChunk);
  const sock = socket();
  q.submit({ query: () => undefined, stream: sock });
  return { q, sock };
}

const data = (s: string) => ({ chunk: Buffer.from(s, 'utf8') });
const ids = async (q: CopyStreamQuery): Promise<string[][]> => {
  const out: string[][] = [];
  for (let c = await q.next(); c !== null; c = await q.next()) out.push(c.rows().map((r) => r.value(0)!));
  return out;
};

test('pieces of rowsPerChunk rows at row ends; paused while one waits, resumed once taken; the rest at the end', async () => {
  const { q, sock } = started(2);
  q.handleCopyData(data('1\ta\n'));
  assert.equal(sock.paused, false);
  q.handleCopyData(data('2\tb\n'));
  assert.equal(sock.paused, true, 'a whole piece waits: no more reading');
  const first = await q.next();
  assert.deepEqual(first!.rows().map((r) => ({ ...r.text() })), [{ id: '1', v: 'a' }, { id: '2', v: 'b' }]);
  assert.equal(sock.paused, false, 'taken: reading goes on');
  // A row split across messages: the piece is handed over at the row's end, not inside it.
  q.handleCopyData(data('3\tc\n4\t'));
  assert.equal(sock.paused, false);
  q.handleCopyData(data('d\n5\t\\N\n'));
  assert.equal(sock.paused, true);
  q.handleCommandComplete();
  q.handleReadyForQuery();
  assert.deepEqual(await ids(q), [['3', '4', '5']]);
  assert.equal(await q.next(), null, 'ended');
  assert.equal(sock.pauses, 2);
});

test('the reader waits for a piece; an empty COPY ends without one', async () => {
  const { q } = started(2);
  const pending = q.next();
  q.handleCopyData(data('1\ta\n'));
  q.handleCopyData(data('2\tb\n'));
  assert.deepEqual((await pending)!.rows().map((r) => r.value(1)), ['a', 'b']);
  const empty = started(2).q;
  const none = empty.next();
  empty.handleCommandComplete();
  empty.handleReadyForQuery();
  assert.equal(await none, null);
});

test('a server error or a lost connection fails the reader, and a paused socket is resumed so the session can go on', async () => {
  const { q, sock } = started(1);
  q.handleCopyData(data('1\ta\n'));
  assert.equal(sock.paused, true);
  q.handleError(new Error('canceling statement due to user request'));
  assert.equal(sock.paused, false);
  await assert.rejects(q.next(), /canceling statement/);
  const lost = started(5).q;
  const waiting = lost.next();
  lost.callback(new Error('Connection terminated unexpectedly'));
  await assert.rejects(waiting, /Connection terminated/);
});

test('output that ends inside a row, or rows instead of COPY data, fail the reader', async () => {
  const cut = started(5).q;
  cut.handleCopyData(data('1\ta\n2\t'));
  cut.handleCommandComplete();
  cut.handleReadyForQuery();
  await assert.rejects(cut.next(), /ended inside a row/);
  const rows = started(5).q;
  rows.handleRowDescription();
  rows.handleCommandComplete();
  rows.handleReadyForQuery();
  await assert.rejects(rows.next(), /returned rows instead of COPY data/);
});

test('abort() mid-COPY closes the connection and fails a waiting reader; after the end it does nothing', async () => {
  const { q, sock } = started(1);
  q.handleCopyData(data('1\ta\n'));
  await q.next();
  const waiting = q.next();
  q.abort();
  assert.equal(sock.destroyed, true);
  await assert.rejects(waiting, /stopped/);
  const done = started(1);
  done.q.handleCommandComplete();
  done.q.handleReadyForQuery();
  done.q.abort();
  assert.equal(done.sock.destroyed, false);
});
