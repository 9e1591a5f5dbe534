import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from '../log/logger.ts';
import { SnapshotKeyError } from '../errors/cdc-error.ts';
import type { ChunkOutput } from './contracts.ts';
import { SnapshotEngine } from './snapshot-engine.ts';
import { decodeSnapshotOffset } from './offset-codec.ts';
import { encodeJavaKey } from './java-serial.ts';
import { InMemoryDatabase, type TestRow } from '../../test/doubles/in-memory-chunk-source.ts';

interface Line { level: string; obj: Record<string, unknown>; msg?: string }

function capture(lines: Line[]): Logger {
  const l: Logger = {
    debug: (obj, msg) => lines.push({ level: 'debug', obj: obj as Record<string, unknown>, msg }),
    info: (obj, msg) => lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
    child: () => l,
  };
  return l;
}

function setup(opts: { chunkSize?: number; initialChunkSize?: number; maxThreads?: number; pipelineDepth?: number } = {}) {
  const db = new InMemoryDatabase();
  const lines: Line[] = [];
  let clock = 0;
  let n = 0;
  const make = () => new SnapshotEngine<TestRow>({
    source: db, log: capture(lines), chunkSize: opts.chunkSize ?? 3, initialChunkSize: opts.initialChunkSize, maxThreads: opts.maxThreads, pipelineDepth: opts.pipelineDepth,
    where: 'connector "t"', now: () => clock, newWindowId: () => `w${++n}`,
  });
  const s = {
    db, lines, outputs: [] as ChunkOutput<TestRow>[], pos: 0, engine: make(),
    tick(ms: number) { clock += ms; },
    /** a fresh engine, as after a restart; the stream goes on from `pos` */
    restart(offset: Record<string, string | number | boolean | null>) { s.engine = make(); s.engine.restore(offset, 'test'); },
    stream(max = Infinity) {
      for (let i = 0; i < max && s.pos < db.log.length; i++) {
        const e = db.log[s.pos++]!;
        if (e.kind === 'watermark') { s.outputs.push(...s.engine.onWatermark(e.id)); continue; }
        for (const r of [e.before, e.after]) if (r) s.engine.onChange(e.table, db.streamKey(e.table, r));
      }
    },
    async drain() {
      for (let i = 0; i < 10_000; i++) {
        s.stream();
        if (s.engine.finished) return;
        await s.engine.step();
      }
      throw new Error('did not finish');
    },
    ids(out: ChunkOutput<TestRow>) { return out.rows.map((r) => r.id ?? `${r.tenant}/${r.code}`); },
    reads(table?: string) { return db.calls.filter((c) => c.method === 'readChunk' && (table === undefined || c.table === table)); },
  };
  return s;
}

function table(db: InMemoryDatabase, id: string, rows: number, extra: (i: number) => Record<string, string | number | null> = () => ({})): void {
  db.createTable(id, ['id']);
  for (let i = 1; i <= rows; i++) db.insert(id, { id: i, v: 0, ...extra(i) });
  db.log.length = 0; // rows that were there before streaming started: only a snapshot delivers them
}

const col = (id: string, filter: string | null = null, surrogateKey: string | null = null) => ({ id, filter, surrogateKey });

test('window rule: a key changed while the select runs or before the high watermark is not emitted; one changed after it is', async () => {
  const s = setup({ chunkSize: 10 });
  table(s.db, 'public.t', 5);
  s.db.log.length = 0; s.pos = 0;
  s.engine.startInitial([col('public.t')]);
  s.db.hooks = {
    // committed and streamed while the select runs: the window exists already and sees it
    beforeRows: () => { s.db.update('public.t', { id: 2, v: 0 }, { id: 2, v: 1 }); s.stream(); },
    // committed after the select took its rows: the selected copy of 3 is stale, its change is before the watermark
    afterRows: () => { s.db.update('public.t', { id: 3, v: 0 }, { id: 3, v: 1 }); },
  };
  await s.engine.step();
  s.db.hooks = {};
  s.db.update('public.t', { id: 4, v: 0 }, { id: 4, v: 1 }); // after the watermark: the read of 4 is emitted, its change follows
  s.stream();
  assert.equal(s.outputs.length, 1);
  assert.deepEqual(s.ids(s.outputs[0]!), [1, 4, 5]);
  assert.equal(s.outputs[0]!.kind, 'initial');
});

test('a truncate inside a window (during the select or before the high watermark) empties it: no row read before it comes back', async () => {
  for (const when of ['during the select', 'after the select'] as const) {
    const s = setup({ chunkSize: 10 });
    table(s.db, 'public.t', 5);
    s.db.log.length = 0; s.pos = 0;
    s.engine.startInitial([col('public.t')]);
    s.db.hooks = when === 'during the select'
      ? { beforeRows: () => { s.engine.onTruncate('public.t'); } }
      : { afterRows: () => { s.engine.onTruncate('public.t'); } };
    await s.engine.step();
    s.db.hooks = {};
    s.stream();
    assert.equal(s.outputs.length, 1, when);
    assert.deepEqual(s.ids(s.outputs[0]!), [], `${when}: the truncate beats every read of the window`);
  }
  // A truncate of another table leaves the window alone.
  const s = setup({ chunkSize: 10 });
  table(s.db, 'public.t', 3);
  s.db.log.length = 0; s.pos = 0;
  s.engine.startInitial([col('public.t')]);
  s.db.hooks = { afterRows: () => { s.engine.onTruncate('public.other'); } };
  await s.engine.step();
  s.db.hooks = {};
  s.stream();
  assert.deepEqual(s.ids(s.outputs[0]!), [1, 2, 3]);
});

test('the offset of a chunk records it as done; a chunk selected ahead (pipelining) is not in it; a restart reads strictly after', async () => {
  const s = setup({ chunkSize: 3, pipelineDepth: 2 });
  table(s.db, 'public.t', 10);
  s.engine.startInitial([col('public.t')]);
  await s.engine.step();
  await s.engine.step();
  assert.equal(s.reads().length, 2, 'two chunks selected before any watermark came back');
  assert.equal(decodeSnapshotOffset(s.engine.offsetFields(), 't')!.collections[0]!.lastKey, null);
  await s.engine.step();
  assert.equal(s.reads().length, 2, 'pipeline depth 2: no third window');
  s.pos = s.db.log.findIndex((e) => e.kind === 'watermark');
  s.stream(1); // first watermark only
  assert.deepEqual(s.ids(s.outputs[0]!), [1, 2, 3]);
  const committed = s.outputs[0]!.offset;
  assert.deepEqual(decodeSnapshotOffset(committed, 't')!.collections[0]!.lastKey, [3]);
  assert.deepEqual(s.engine.offsetFields(), committed);
  // crash before the second chunk commits
  s.restart(committed);
  assert.equal(s.engine.initialPending, true);
  await s.drain();
  const after = s.reads().slice(2).map((c) => c.after);
  assert.deepEqual(after[0], [3], 'the first chunk after the restart starts after the committed key');
  assert.deepEqual(s.outputs.slice(1).flatMap((o) => s.ids(o)), [4, 5, 6, 7, 8, 9, 10]);
  assert.equal(s.engine.initialPending, false);
  assert.deepEqual(s.engine.offsetFields(), {});
  assert.deepEqual(s.outputs[s.outputs.length - 1]!.offset, {}, 'the chunk that ends the queue clears the fields, in its own unit');
});

test('an offset written by Debezium resumes an incremental snapshot after its key, with its stored maximum key', async () => {
  const s = setup({ chunkSize: 100 });
  table(s.db, 'public.t', 20);
  s.restart({
    lsn: 1,
    incremental_snapshot_collections: JSON.stringify([{ incremental_snapshot_collections_id: 'public.t', incremental_snapshot_collections_additional_condition: null, incremental_snapshot_collections_surrogate_key: null }]),
    incremental_snapshot_primary_key: encodeJavaKey([12]),
    incremental_snapshot_maximum_key: encodeJavaKey([15]),
    incremental_snapshot_correlation_id: null,
  });
  await s.drain();
  assert.equal(s.db.calls.filter((c) => c.method === 'maxKey').length, 0);
  assert.deepEqual(s.outputs.flatMap((o) => s.ids(o)), [13, 14, 15], 'rows above the stored maximum came through the stream');
  assert.equal(s.outputs[0]!.kind, 'incremental');
});

test('initial snapshot: a table without a usable key stops it before any chunk, naming every such table and the fix', async () => {
  const s = setup();
  table(s.db, 'public.ok', 3);
  s.db.createTable('public.nokey', null);
  s.db.createTable('public.nullable', ['id'], { nullableKey: true });
  s.engine.startInitial([col('public.ok'), col('public.nokey'), col('public.nullable')]);
  await assert.rejects(s.engine.step(), (e: unknown) => {
    assert.ok(e instanceof SnapshotKeyError);
    assert.equal(e.code, 'CDC_SNAPSHOT_NO_KEY');
    assert.match(e.what, /tables public\.nokey, public\.nullable in key order: table public\.nokey has no primary key; key column\(s\) id of public\.nullable are nullable/);
    assert.match(e.where!, /connector "t", tables public\.nokey, public\.nullable/);
    assert.match(e.fix!, /message\.key\.columns/);
    assert.match(e.fix!, /snapshot\.include\.collection\.list/);
    return true;
  });
  assert.equal(s.reads().length, 0, 'not a single chunk was read');
  assert.equal(s.engine.initialPending, true, 'the initial snapshot stays unfinished');
});

test('incremental snapshot: a table without a usable key is skipped with a warning; the others are read', async () => {
  const s = setup();
  table(s.db, 'public.ok', 4);
  s.db.createTable('public.nokey', null);
  s.db.insert('public.nokey', { a: 1 });
  s.engine.execute('incremental', [col('public.nokey'), col('public.ok')], 'sig-1');
  await s.drain();
  assert.deepEqual(s.outputs.map((o) => o.tableId), ['public.ok', 'public.ok']);
  const warn = s.lines.find((l) => l.level === 'warn')!;
  assert.match(warn.msg!, /no usable key/);
  assert.equal(warn.obj.table, 'public.nokey');
  assert.deepEqual(s.engine.progress().tables.map((t) => [t.id, t.state]), [['public.nokey', 'skipped'], ['public.ok', 'done']]);
});

test('a NULL in the chunk key (a nullable surrogate key): incremental skips the table, initial stops with the fix', async () => {
  // a NULL inside a chunk (not at the end of the key order) is caught by the chunk itself
  {
    const s = setup({ chunkSize: 2 });
    s.db.createTable('public.m', ['a', 'b']);
    for (const [a, b] of [[1, 1], [1, null], [2, 1]] as const) s.db.insert('public.m', { a, b });
    s.db.log.length = 0;
    s.engine.execute('incremental', [col('public.m')], null);
    await s.drain();
    assert.deepEqual(s.outputs, []);
    assert.ok(s.lines.some((l) => l.level === 'warn' && l.obj.table === 'public.m' && /NULL in key column\(s\) a, b/.test(String(l.obj.reason))));
  }
  for (const kind of ['incremental', 'initial'] as const) {
    const s = setup();
    table(s.db, 'public.s', 4, (i) => ({ sk: i === 3 ? null : i * 10 }));
    if (kind === 'initial') s.engine.startInitial([col('public.s', null, 'sk')]);
    else s.engine.execute('incremental', [col('public.s', null, 'sk')], null);
    if (kind === 'initial') {
      await assert.rejects(s.drain(), (e: unknown) => e instanceof SnapshotKeyError && /NULL in key column\(s\) sk/.test(e.what) && /surrogate-key/.test(e.fix!));
    } else {
      await s.drain();
      assert.deepEqual(s.outputs, [], 'found by the max-key query, before any chunk');
      assert.ok(s.lines.some((l) => l.level === 'warn' && /no usable key/.test(l.msg!)));
    }
  }
});

test('additional-conditions: the filter reaches the max-key and chunk queries, only matching rows are read, the offset keeps it', async () => {
  const s = setup({ chunkSize: 2 });
  table(s.db, 'public.t', 9, (i) => ({ color: i % 3 === 0 ? 'blue' : 'red' }));
  s.engine.execute('incremental', [col('public.t', "color = 'blue'")], 'sig-7');
  await s.engine.step();
  const listed = JSON.parse(s.engine.offsetFields().incremental_snapshot_collections as string);
  assert.equal(listed[0].incremental_snapshot_collections_additional_condition, "(color = 'blue')");
  assert.equal(s.engine.offsetFields().incremental_snapshot_correlation_id, 'sig-7');
  await s.drain();
  assert.deepEqual(s.outputs.flatMap((o) => s.ids(o)), [3, 6, 9]);
  assert.ok(s.db.calls.filter((c) => c.method !== 'chunkKey').every((c) => c.filter === "color = 'blue'"));
});

test('composite keys: chunks follow the key order column by column and resume after the whole last key', async () => {
  const s = setup({ chunkSize: 2 });
  s.db.createTable('public.c', ['tenant', 'code']);
  for (const tenant of ['b', 'a']) for (const code of [3, 1, 2]) s.db.insert('public.c', { tenant, code, v: 0 });
  s.engine.startInitial([col('public.c')]);
  await s.drain();
  assert.deepEqual(s.outputs.flatMap((o) => s.ids(o)), ['a/1', 'a/2', 'a/3', 'b/1', 'b/2', 'b/3']);
  assert.deepEqual(s.reads().map((c) => c.after), [null, ['a', 2], ['b', 1]]);
});

test('pause stops new chunks (open ones still complete) and is not written to the offset; resume continues', async () => {
  const s = setup({ chunkSize: 2 });
  table(s.db, 'public.t', 6);
  s.engine.execute('incremental', [col('public.t')], null);
  await s.engine.step();
  s.engine.pause();
  const before = JSON.stringify(s.engine.offsetFields());
  await s.engine.step();
  assert.equal(s.reads().length, 1);
  assert.equal(s.engine.wantsStep, false);
  s.stream();
  assert.deepEqual(s.outputs.map((o) => s.ids(o)), [[1, 2]], 'the open window closed while paused');
  assert.ok(!/pause/i.test(before));
  assert.equal(s.engine.progress().paused, true);
  s.engine.resume();
  assert.equal(s.engine.wantsStep, true);
  await s.drain();
  assert.deepEqual(s.outputs.flatMap((o) => s.ids(o)), [1, 2, 3, 4, 5, 6]);
});

test('stop: named tables leave the queue; the current scan is abandoned (its watermark is ignored) and the next table starts', async () => {
  const s = setup({ chunkSize: 2 });
  for (const t of ['public.a', 'public.b', 'public.c']) table(s.db, t, 4);
  s.engine.execute('incremental', [col('public.a'), col('public.b'), col('public.c')], null);
  s.engine.stop('incremental', ['public.b']);
  assert.deepEqual(JSON.parse(s.engine.offsetFields().incremental_snapshot_collections as string).map((c: Record<string, string>) => c.incremental_snapshot_collections_id), ['public.a', 'public.c']);
  await s.engine.step(); // public.a, first chunk selected
  s.engine.stop('incremental', ['public\\.a']); // a regular expression works too
  s.stream();
  assert.equal(s.outputs.length, 0, 'the abandoned window emitted nothing');
  await s.drain();
  assert.deepEqual(s.outputs.map((o) => o.tableId), ['public.c', 'public.c']);
});

test('stop of all tables empties the incremental queue; stop of type blocking is a no-op; the initial snapshot is never stopped', async () => {
  const s = setup();
  for (const t of ['public.a', 'public.b', 'public.i']) table(s.db, t, 4);
  s.engine.startInitial([col('public.i')]);
  s.engine.execute('blocking', [col('public.b')], null);
  s.engine.execute('incremental', [col('public.a')], null);
  s.engine.stop('blocking', null);
  assert.equal(decodeSnapshotOffset(s.engine.offsetFields(), 't')!.collections.length, 3);
  s.engine.stop('incremental', null);
  assert.deepEqual(decodeSnapshotOffset(s.engine.offsetFields(), 't')!.collections.map((c) => c.collection.id), ['public.i', 'public.b']);
  const only = setup();
  table(only.db, 'public.a', 4);
  only.engine.execute('incremental', [col('public.a')], null);
  await only.engine.step();
  only.engine.stop('incremental', []);
  assert.deepEqual(only.engine.offsetFields(), {});
  assert.equal(only.engine.finished, true);
});

test('a signal during a running snapshot appends its tables; the latest correlation id is kept; blocking chunks say so', async () => {
  const s = setup({ chunkSize: 10 });
  table(s.db, 'public.a', 2); table(s.db, 'public.b', 2);
  s.engine.execute('incremental', [col('public.a')], 'one');
  await s.engine.step();
  s.engine.execute('blocking', [col('public.b')], 'two');
  const m = s.engine.offsetFields();
  assert.equal(m.incremental_snapshot_correlation_id, 'two');
  assert.deepEqual(decodeSnapshotOffset(m, 't')!.collections.map((c) => [c.collection.id, c.kind]), [['public.a', 'incremental'], ['public.b', 'blocking']]);
  await s.drain();
  assert.deepEqual(s.outputs.map((o) => [o.tableId, o.kind]), [['public.a', 'incremental'], ['public.b', 'blocking']]);
});

test('snapshot.max.threads tables at once, pipeline depth windows per table: memory stays within threads x depth x chunk size', async () => {
  const s = setup({ chunkSize: 3, maxThreads: 2, pipelineDepth: 2 });
  for (const t of ['public.a', 'public.b', 'public.c']) table(s.db, t, 20);
  s.engine.startInitial(['public.a', 'public.b', 'public.c'].map((t) => col(t)));
  for (let i = 0; i < 4; i++) await s.engine.step();
  assert.equal(s.reads('public.a').length, 2);
  assert.equal(s.reads('public.b').length, 2);
  assert.equal(s.reads('public.c').length, 0);
  assert.equal(s.engine.bufferedRows(), 2 * 2 * 3);
  const m = s.engine.offsetFields();
  let peak = 0;
  for (let i = 0; i < 200 && !s.engine.finished; i++) {
    s.stream(1 + (i % 3));
    await s.engine.step();
    peak = Math.max(peak, s.engine.bufferedRows());
  }
  await s.drain();
  assert.ok(peak <= 12, `peak ${peak}`);
  assert.equal(s.outputs.reduce((n, o) => n + o.rows.length, 0), 60);
  assert.equal(decodeSnapshotOffset(m, 't')!.collections.length, 3);
});

test('concurrent tables: each running table\'s committed position is in the offset, and a restart resumes each after its own key', async () => {
  const s = setup({ chunkSize: 2, maxThreads: 2, pipelineDepth: 1 });
  table(s.db, 'public.a', 6); table(s.db, 'public.b', 6);
  s.engine.startInitial([col('public.a'), col('public.b')]);
  await s.engine.step(); s.stream();
  await s.engine.step(); s.stream();
  const committed = s.outputs[s.outputs.length - 1]!.offset;
  assert.deepEqual(decodeSnapshotOffset(committed, 't')!.collections.map((c) => [c.collection.id, c.lastKey]), [['public.a', [4]], ['public.b', [4]]]);
  s.restart(committed);
  s.outputs.length = 0;
  await s.drain();
  assert.deepEqual(s.outputs.map((o) => [o.tableId, s.ids(o)]), [['public.a', [5, 6]], ['public.b', [5, 6]]]);
});

test('empty tables pass through a row-less window; the initial snapshot ends when its queue is empty', async () => {
  const s = setup();
  s.db.createTable('public.empty', ['id']);
  table(s.db, 'public.t', 2);
  s.engine.startInitial([col('public.empty'), col('public.t')]);
  await s.drain();
  assert.deepEqual(s.outputs.map((o) => [o.tableId, o.rows.length]), [['public.empty', 0], ['public.t', 2]]);
  assert.equal(s.engine.initialPending, false);
  assert.equal(s.engine.finished, true);
});

test('a failed watermark write fails the step; the next step reads the same chunk again', async () => {
  const s = setup({ chunkSize: 2 });
  table(s.db, 'public.t', 3);
  s.engine.startInitial([col('public.t')]);
  s.db.failNextWatermark = true;
  await assert.rejects(s.engine.step(), /watermark write failed/);
  await s.drain();
  assert.deepEqual(s.reads().map((c) => c.after), [null, null, [2]]);
  assert.deepEqual(s.outputs.flatMap((o) => s.ids(o)), [1, 2, 3]);
});

test('chunk sizes by kind: the initial and blocking snapshots read initialChunkSize rows (snapshot.fetch.size), incremental ones chunkSize', async () => {
  const s = setup({ chunkSize: 2, initialChunkSize: 5 });
  table(s.db, 'public.a', 7);
  table(s.db, 'public.b', 7);
  table(s.db, 'public.c', 7);
  s.engine.startInitial([col('public.a')]);
  await s.drain();
  s.engine.execute('incremental', [col('public.b')], null);
  await s.drain();
  s.engine.execute('blocking', [col('public.c')], null);
  await s.drain();
  const limits = (t: string) => s.reads(t).map((c) => c.limit);
  assert.deepEqual(limits('public.a'), [5, 5]);
  assert.deepEqual(limits('public.b'), [2, 2, 2, 2]);
  assert.deepEqual(limits('public.c'), [5, 5]);
  assert.deepEqual(s.outputs.map((o) => o.rows.length), [5, 2, 2, 2, 2, 1, 5, 2]);
});

test('a chunk\'s watermark landing while the next chunk\'s select runs does not free the table for a third select of the same range', async () => {
  const s = setup({ chunkSize: 2, pipelineDepth: 2 });
  table(s.db, 'public.t', 10);
  s.engine.startInitial([col('public.t')]);
  let openWatermark!: () => void, openSelect!: () => void;
  s.db.watermarkGate = new Promise((r) => { openWatermark = r; });
  const selectGate = new Promise<void>((r) => { openSelect = r; });
  s.db.hooks = { beforeRows: async () => { if (s.reads().length === 2) await selectGate; } };
  const settle = async () => { for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)); };
  s.engine.pump();
  await settle();
  assert.deepEqual(s.reads().map((c) => c.after), [null, [2]], 'the second select runs (held) while the first watermark is pending');
  s.db.watermarkGate = null;
  openWatermark();
  await settle();
  s.stream(); // the first window closes: the pipeline has room again
  s.engine.pump();
  await settle();
  assert.deepEqual(s.reads().map((c) => c.after), [null, [2]], 'no select starts while the table\'s second select runs');
  openSelect();
  s.db.hooks = {};
  await settle();
  await s.drain();
  assert.deepEqual(s.outputs.flatMap((o) => s.ids(o)), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'every row once');
  assert.equal(s.engine.failure, null);
});

test('a watermark that fails while the next chunk is already selected drops both windows; the scan goes on from the failed one', async () => {
  const s = setup({ chunkSize: 2, pipelineDepth: 2 });
  table(s.db, 'public.t', 6);
  s.engine.startInitial([col('public.t')]);
  let open!: () => void;
  s.db.watermarkGate = new Promise((r) => { open = r; });
  s.db.failNextWatermark = true;
  s.engine.pump();
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  assert.deepEqual(s.reads().map((c) => c.after), [null, [2]], 'the second chunk is read while the first watermark is pending');
  s.db.watermarkGate = null;
  open();
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  assert.match(String(s.engine.failure), /watermark write failed/);
  assert.equal(s.engine.bufferedRows(), 0, 'the window read after the failed one is gone too');
  // The task fails and restarts in production; a step() caller goes on: from the failed chunk's start.
  await s.drain();
  assert.deepEqual(s.reads().slice(2).map((c) => c.after), [null, [2], [4]]);
  assert.deepEqual(s.outputs.flatMap((o) => s.ids(o)), [1, 2, 3, 4, 5, 6], 'the second window\'s watermark (written) emits nothing: every row once');
});

test('watermarks out of order: the later one closes the earlier window too; a replayed or unknown watermark is ignored', async () => {
  const s = setup({ chunkSize: 2, pipelineDepth: 2 });
  table(s.db, 'public.t', 4);
  s.engine.startInitial([col('public.t')]);
  await s.engine.step(); await s.engine.step();
  const out = s.engine.onWatermark('w2');
  assert.equal(out.length, 1);
  assert.deepEqual(s.ids(out[0]!), [1, 2, 3, 4]);
  assert.deepEqual(s.engine.onWatermark('w1'), []);
  assert.deepEqual(s.engine.onWatermark('not-ours'), []);
  assert.ok(s.lines.some((l) => l.level === 'warn' && /out of order/.test(l.msg!)));
});

test('the initial snapshot is queued ahead of incremental snapshots restored from the offset', () => {
  const s = setup();
  s.restart({ incremental_snapshot_collections: JSON.stringify([{ incremental_snapshot_collections_id: 'public.x' }]) });
  s.engine.startInitial([col('public.a')]);
  assert.deepEqual(decodeSnapshotOffset(s.engine.offsetFields(), 't')!.collections.map((c) => [c.collection.id, c.kind]), [['public.a', 'initial'], ['public.x', 'incremental']]);
});

test('progress: rows read, estimate, chunks per table, and an ETA from the rate', async () => {
  const s = setup({ chunkSize: 10, pipelineDepth: 1 });
  table(s.db, 'public.t', 100);
  table(s.db, 'public.u', 50);
  s.engine.startInitial([col('public.t'), col('public.u')]);
  for (let i = 0; i < 3; i++) { await s.engine.step(); s.tick(1000); s.stream(); }
  const p = s.engine.progress();
  assert.equal(p.running, true);
  assert.equal(p.kind, 'initial');
  assert.deepEqual(p.tables, [
    { id: 'public.t', rowsDone: 30, rowsEstimated: 100, chunks: 3, state: 'running' },
    { id: 'public.u', rowsDone: 0, rowsEstimated: 50, chunks: 0, state: 'queued' },
  ]);
  assert.equal(p.etaSeconds, 12, '120 rows left at 10 rows/s');
  await s.drain();
  assert.deepEqual(s.engine.progress().tables.map((t) => [t.id, t.state, t.rowsDone, t.chunks]), [['public.t', 'done', 100, 10], ['public.u', 'done', 50, 5]]);
  assert.equal(s.engine.progress().etaSeconds, null);
});

test('keyColumnsFor tells the stream which tables need onChange and in which columns (the surrogate key, when a signal named one)', async () => {
  const s = setup();
  table(s.db, 'public.t', 4, (i) => ({ sk: i * 10 }));
  s.engine.execute('incremental', [col('public.t', null, 'sk')], null);
  assert.equal(s.engine.keyColumnsFor('public.t'), null, 'no window open yet');
  await s.engine.step();
  assert.deepEqual(s.engine.keyColumnsFor('public.t'), ['sk']);
  assert.equal(s.engine.keyColumnsFor('public.other'), null);
  await s.drain();
  assert.equal(s.engine.keyColumnsFor('public.t'), null);
});

test('forgetUncaptured drops queued tables the connector no longer captures, and the offset follows', async () => {
  const s = setup();
  table(s.db, 'public.a', 2); table(s.db, 'public.b', 2);
  s.engine.startInitial([col('public.a'), col('public.b')]);
  const before = s.engine.offsetFields();
  assert.deepEqual(s.engine.forgetUncaptured((id) => id !== 'public.a'), ['public.a']);
  assert.notDeepEqual(s.engine.offsetFields(), before);
  assert.deepEqual(decodeSnapshotOffset(s.engine.offsetFields(), 't')!.collections.map((c) => c.collection.id), ['public.b']);
  await s.drain();
  assert.deepEqual(s.outputs.map((o) => o.tableId), ['public.b']);
});

test('a stored position in other key columns than the table is read by now (the key changed) restarts that table instead of misreading it', async () => {
  const s = setup({ chunkSize: 10 });
  table(s.db, 'public.t', 3);
  s.restart({
    incremental_snapshot_collections: JSON.stringify([{ incremental_snapshot_collections_id: 'public.t' }]),
    incremental_snapshot_primary_key: encodeJavaKey(['m']),
    incremental_snapshot_maximum_key: encodeJavaKey(['z']),
    cdc_snapshot: JSON.stringify({ v: 1, collections: [{ id: 'public.t', kind: 'initial', rows: 5, chunks: 1, key: ['code'] }] }),
  });
  await s.drain();
  assert.deepEqual(s.reads().map((c) => c.after), [null]);
  assert.deepEqual(s.outputs.flatMap((o) => s.ids(o)), [1, 2, 3]);
  assert.ok(s.lines.some((l) => l.level === 'warn' && /starts over/.test(l.msg!)));
});

test('pump() starts chunks without waiting and fills the pipeline; a failure is kept for the task to throw; overlapping pumps check the keys once', async () => {
  const s = setup({ chunkSize: 2, pipelineDepth: 2 });
  table(s.db, 'public.t', 6);
  s.engine.startInitial([col('public.t')]);
  s.engine.pump(); s.engine.pump(); s.engine.pump();
  await new Promise((r) => setImmediate(r));
  assert.equal(s.db.calls.filter((c) => c.method === 'chunkKey').length, 1);
  assert.deepEqual(s.reads().map((c) => c.after), [null, [2]], 'the second chunk was selected as soon as the first one\'s rows were in');
  s.stream(1); // the first watermark closes a window: room for one more
  s.db.failNextWatermark = true;
  s.engine.pump();
  await new Promise((r) => setImmediate(r));
  assert.match(String(s.engine.failure), /watermark write failed/);
  const reads = s.reads().length;
  s.engine.pump();
  await new Promise((r) => setImmediate(r));
  assert.equal(s.reads().length, reads, 'nothing starts after a failure');
});

test('restore says whether a snapshot was in progress; startInitial replaces a recorded initial snapshot', () => {
  const s = setup();
  assert.equal(s.engine.restore(null), false);
  assert.equal(s.engine.restore({ lsn: 3 }), false);
  const recorded = {
    incremental_snapshot_collections: JSON.stringify([{ incremental_snapshot_collections_id: 'public.old' }, { incremental_snapshot_collections_id: 'public.x' }]),
    cdc_snapshot: JSON.stringify({ v: 1, collections: [{ id: 'public.old', kind: 'initial', rows: 9, chunks: 1 }, { id: 'public.x', kind: 'incremental', rows: 0, chunks: 0 }] }),
  };
  assert.equal(s.engine.restore(recorded), true);
  assert.equal(s.engine.initialPending, true);
  s.engine.startInitial([col('public.new')]);
  assert.deepEqual(decodeSnapshotOffset(s.engine.offsetFields(), 't')!.collections.map((c) => [c.collection.id, c.kind, c.rowsDone]), [['public.new', 'initial', 0], ['public.x', 'incremental', 0]]);
});
