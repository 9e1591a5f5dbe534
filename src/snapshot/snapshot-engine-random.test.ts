/**
 * The snapshot invariants under random interleavings of inserts, updates
 * (also of keys), deletes, chunk reads, stream progress, commits and crashes,
 * checked over what was committed (test/doubles/snapshot-harness.ts):
 * - every key's last event equals the final table state, and every row that
 *   exists at the end appears;
 * - no window emits a key the stream changed inside it;
 * - after a restart no committed chunk is read again, and nothing is missed.
 * The last tests break the engine's inputs on purpose and require the checks to
 * notice, so a checker that cannot fail is itself caught.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InMemoryDatabase, type TestRow } from '../../test/doubles/in-memory-chunk-source.ts';
import { SnapshotHarness, type HarnessOptions } from '../../test/doubles/snapshot-harness.ts';

/** mulberry32: small, seedable, good enough to pick actions */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface World { db: InMemoryDatabase; mutate(): void }

function world(rand: () => number): World {
  const db = new InMemoryDatabase();
  db.createTable('public.a', ['id']);
  db.createTable('public.b', ['tenant', 'code']); // composite: text, then number
  db.createTable('public.c', ['id']); // int8: bigint keys
  let version = 0;
  const tenants = ['acme', 'Beta', 'beta', 'zed', 'Ähm'];
  const fresh = (table: string): TestRow => {
    const v = ++version;
    if (table === 'public.a') return { id: Math.floor(rand() * 120), v };
    if (table === 'public.b') return { tenant: tenants[Math.floor(rand() * tenants.length)]!, code: Math.floor(rand() * 15), v };
    return { id: BigInt(Math.floor(rand() * 90)) * 10_000_000_000n, v };
  };
  const tryInsert = (table: string): void => { try { db.insert(table, fresh(table)); } catch { /* key taken: no change */ } };
  for (const t of db.tableIds()) for (let i = 0; i < 35; i++) tryInsert(t);
  db.log.length = 0; // rows that existed before the connector started: only the snapshot can deliver them
  const mutate = (): void => {
    const table = db.tableIds()[Math.floor(rand() * 3)]!;
    const rows = db.rows(table);
    const r = rand();
    if (r < 0.35 || rows.length === 0) return tryInsert(table);
    const row = rows[Math.floor(rand() * rows.length)]!;
    if (r < 0.7) db.update(table, row, { ...row, v: ++version });
    else if (r < 0.8) { try { db.update(table, row, { ...fresh(table) }); } catch { /* key taken */ } }
    else db.delete(table, row);
  };
  return { db, mutate };
}

const macrotask = () => new Promise<void>((r) => setImmediate(r));

/**
 * pump: chunks are started with pump() (a table's next select starts as soon as the previous rows
 * are in, while that chunk's watermark is still being written), selects and watermark writes take
 * random turns of the event loop, and the test goes on meanwhile.
 */
async function run(seed: number, opts: Partial<HarnessOptions> & { crashes?: boolean; signals?: boolean; pump?: boolean } = {}): Promise<{ problems: string[]; h: SnapshotHarness }> {
  const rand = rng(seed);
  const { db, mutate } = world(rand);
  const h = new SnapshotHarness(db, {
    chunkSize: 1 + Math.floor(rand() * 8),
    maxThreads: 1 + Math.floor(rand() * 3),
    pipelineDepth: 1 + Math.floor(rand() * 3),
    ...opts,
  });
  // Changes committed, and stream progress, while a chunk is being selected.
  const during = (): void => {
    if (rand() < 0.4) mutate();
    if (rand() < 0.3) h.stream(1 + Math.floor(rand() * 3));
  };
  if (opts.pump) {
    const wait = async (): Promise<void> => { for (let n = Math.floor(rand() * 3); n > 0; n--) await macrotask(); };
    db.hooks = { beforeRows: async () => { during(); await wait(); }, afterRows: async () => { during(); await wait(); } };
    db.watermarkDelay = wait;
  } else {
    db.hooks = { beforeRows: during, afterRows: during };
  }
  for (let i = 0; i < 160; i++) {
    const r = rand();
    if (r < 0.3) mutate();
    else if (r < 0.55) h.stream(1 + Math.floor(rand() * 6));
    else if (r < 0.82 && opts.pump) { h.engine.pump(); for (let n = Math.floor(rand() * 4); n > 0; n--) await macrotask(); }
    else if (r < 0.82) await h.engine.step();
    else if (r < 0.93) h.commit();
    else if (opts.crashes !== false && r < 0.97) h.crash();
    else if (opts.signals && r < 0.985) h.engine.execute('incremental', [{ id: db.tableIds()[Math.floor(rand() * 3)]!, filter: null, surrogateKey: null }], `s${i}`);
    else if (opts.signals) { if (h.engine.isPaused) h.engine.resume(); else h.engine.pause(); }
  }
  h.engine.resume();
  const failure = h.engine.failure;
  await h.drain();
  const problems = h.finalProblems();
  if (failure) problems.push(`pump failed: ${failure.message}`);
  if (h.engine.initialPending) problems.push('the initial snapshot is still pending after draining');
  return { problems, h };
}

test('random interleavings: last event per key = final state, every row appears, no window emits a changed key, restarts re-read no committed chunk', async () => {
  let restarts = 0;
  let reads = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const { problems, h } = await run(seed);
    assert.deepEqual(problems, [], `seed ${seed}`);
    restarts += h.restarts;
    reads += h.committed.filter((e) => e.op === 'r').length;
  }
  // the runs did exercise what they claim to
  assert.ok(restarts > 100, `only ${restarts} restarts`);
  assert.ok(reads > 10_000, `only ${reads} snapshot reads`);
});

test('the same without crashes, with one chunk per window and one table at a time', async () => {
  for (let seed = 1000; seed <= 1100; seed++) {
    const { problems } = await run(seed, { crashes: false, maxThreads: 1, pipelineDepth: 1 });
    assert.deepEqual(problems, [], `seed ${seed}`);
  }
});

test('with signals: incremental snapshots queued at random moments, pause and resume, the invariants hold', async () => {
  let incremental = 0;
  for (let seed = 2000; seed <= 2150; seed++) {
    const { problems, h } = await run(seed, { crashes: false, signals: true });
    assert.deepEqual(problems, [], `seed ${seed}`);
    incremental += h.committed.filter((e) => e.kind === 'incremental').length;
  }
  assert.ok(incremental > 1000, `only ${incremental} reads of incremental snapshots`);
});

test('pump mode: a table\'s next select runs while the previous watermark is written, selects and writes take random turns; the invariants hold, no chunk is read twice', async () => {
  let reads = 0;
  let restarts = 0;
  for (let seed = 3000; seed <= 3200; seed++) {
    const { problems, h } = await run(seed, { pump: true, pipelineDepth: 2 + Math.floor((seed % 3)) });
    assert.deepEqual(problems, [], `seed ${seed}`);
    reads += h.committed.filter((e) => e.op === 'r').length;
    restarts += h.restarts;
  }
  assert.ok(reads > 5_000, `only ${reads} snapshot reads`);
  assert.ok(restarts > 50, `only ${restarts} restarts`);
});

test('the checks can fail: a task that does not report changes to the engine is caught', async () => {
  let caught = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const { problems } = await run(seed, { forwardChanges: false });
    if (problems.some((p) => /changed inside the window|differs from the final row|deleted at the end/.test(p))) caught++;
  }
  assert.ok(caught >= 20, `a broken window rule was noticed in only ${caught} of 40 runs`);
});

test('the checks can fail: a committed offset that forgets the last key makes a restart re-read committed chunks, and that is caught', async () => {
  const rand = rng(7);
  const { db } = world(rand);
  const h = new SnapshotHarness(db, { chunkSize: 4 });
  for (let i = 0; i < 6; i++) { await h.engine.step(); h.stream(); }
  assert.ok(h.committed.some((e) => e.op === 'r'));
  h.committedOffset = { ...h.committedOffset!, incremental_snapshot_primary_key: 'aced000570' };
  h.crash();
  await h.drain();
  assert.ok(h.finalProblems().some((p) => /read again after a restart/.test(p)), h.finalProblems().join('\n'));
});
