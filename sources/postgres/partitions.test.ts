import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detachNotice, planCapture, routeRelation, type PgRelation } from './partitions.ts';
import { buildFilters } from './table-filter.ts';

// orders (range, sub-partitioned by list in 2025) and items (ordinary):
// orders -> orders_2024 (leaf), orders_2025 (partitioned) -> orders_2025_eu, orders_2025_us (leaves)
const rel = (oid: number, name: string, kind: 'r' | 'p', ancestors: number[] = []): PgRelation =>
  ({ oid, schema: 'public', name, kind, ancestors, selectable: true });
const RELS: PgRelation[] = [
  rel(1, 'orders', 'p'),
  rel(2, 'orders_2024', 'r', [1]),
  rel(3, 'orders_2025', 'p', [1]),
  rel(4, 'orders_2025_eu', 'r', [3, 1]),
  rel(5, 'orders_2025_us', 'r', [3, 1]),
  rel(6, 'items', 'r'),
];

const lists = (l: { include?: string[]; exclude?: string[]; schemas?: string[] } = {}) => ({
  filters: buildFilters({ schemaInclude: l.schemas ?? [], schemaExclude: [], tableInclude: l.include ?? [], tableExclude: l.exclude ?? [], columnInclude: [], columnExclude: [] }),
  parts: { schemaInclude: l.schemas ?? [], tableInclude: l.include ?? [], tableExclude: l.exclude ?? [] },
});
const plan = (viaRoot: boolean, l: Parameters<typeof lists>[0] = {}) => {
  const { filters, parts } = lists(l);
  return planCapture(RELS, filters, { viaRoot, ...parts });
};
const names = (p: ReturnType<typeof plan>) => p.captured.map((r) => r.name);

test('via root: the root of a (multi-level) partitioned table is captured, never its partitions', () => {
  assert.deepEqual(names(plan(true)), ['orders', 'items']);
  assert.deepEqual(names(plan(true, { include: ['public\\.orders'] })), ['orders']);
  // A pattern that also matches the partitions captures the root once.
  assert.deepEqual(names(plan(true, { include: ['public\\.orders.*'] })), ['orders']);
  assert.deepEqual(plan(true, { include: ['public\\.orders.*'] }).problems, []);
});

test('via root: a partition named without its root is refused, naming the root', () => {
  const p = plan(true, { include: ['public\\.orders_2025_eu', 'public\\.items'] });
  assert.deepEqual(names(p), ['items']);
  assert.equal(p.problems.length, 1);
  assert.equal(p.problems[0]!.property, 'table.include.list');
  assert.match(p.problems[0]!.what, /public\.orders_2025_eu, partition of public\.orders, but not public\.orders/);
  assert.match(p.problems[0]!.fix, /name the root table public\.orders in table\.include\.list.*publish\.via\.partition\.root=false/);
});

test('via root: excluding a partition of a captured root is refused; excluding the root is fine', () => {
  const p = plan(true, { exclude: ['public\\.orders_2024'] });
  assert.equal(p.problems.length, 1);
  assert.equal(p.problems[0]!.property, 'table.exclude.list');
  assert.match(p.problems[0]!.what, /partition of the captured table public\.orders/);
  const q = plan(true, { exclude: ['public\\.orders'] });
  assert.deepEqual(names(q), ['items']);
  assert.deepEqual(q.problems, [], 'its partitions follow the root out, without an include list asking for them');
});

test('not via root: leaf partitions are the captured tables, partitioned tables never are', () => {
  assert.deepEqual(names(plan(false)), ['orders_2024', 'orders_2025_eu', 'orders_2025_us', 'items']);
  assert.deepEqual(names(plan(false, { include: ['public\\.orders_.*'] })), ['orders_2024', 'orders_2025_eu', 'orders_2025_us']);
  assert.deepEqual(plan(false, { include: ['public\\.orders_.*'] }).problems, []);
});

test('not via root: naming a partitioned table whose partitions are not captured is refused', () => {
  const p = plan(false, { include: ['public\\.orders'] });
  assert.deepEqual(names(p), []);
  assert.equal(p.problems.length, 1);
  assert.match(p.problems[0]!.what, /partitioned table public\.orders.*public\.orders_2024, public\.orders_2025_eu, public\.orders_2025_us are not captured/);
  assert.match(p.problems[0]!.fix, /publish\.via\.partition\.root=true/);
  // A middle level named with its leaves is fine; its sibling subtree is not asked for.
  assert.deepEqual(plan(false, { include: ['public\\.orders_2025.*'] }).problems, []);
});

test('routeRelation: a partition arriving under its own name goes to its captured root; filtered roots stay filtered', async () => {
  const { filters } = lists({ include: ['public\\.orders'] });
  const root = { schema: 'public', name: 'orders' };
  assert.deepEqual(await routeRelation({ schema: 'public', name: 'orders', kind: 'p', root: null }, filters, true), { kind: 'capture' });
  assert.deepEqual(await routeRelation({ schema: 'public', name: 'orders_2025_eu', kind: 'r', root }, filters, true), { kind: 'as-root', ...root });
  assert.deepEqual(await routeRelation({ schema: 'public', name: 'items', kind: 'r', root: null }, filters, true), { kind: 'filtered' });
  const other = lists({ include: ['public\\.items'] }).filters;
  assert.deepEqual(await routeRelation({ schema: 'public', name: 'orders_2024', kind: 'r', root }, other, true), { kind: 'filtered' });
  // Dropped since: judged by its name.
  assert.deepEqual(await routeRelation({ schema: 'public', name: 'orders', kind: null, root: null }, filters, true), { kind: 'capture' });
});

test('routeRelation without via root: a root arriving while its leaves are captured is misplaced, never dropped', async () => {
  const { filters } = lists({ include: ['public\\.orders_.*'] });
  assert.deepEqual(await routeRelation({ schema: 'public', name: 'orders', kind: 'p', root: null, capturedLeaf: async () => true }, filters, false), { kind: 'misplaced' });
  assert.deepEqual(await routeRelation({ schema: 'public', name: 'orders', kind: 'p', root: null, capturedLeaf: async () => false }, filters, false), { kind: 'filtered' });
  assert.deepEqual(await routeRelation({ schema: 'public', name: 'orders_2024', kind: 'r', root: { schema: 'public', name: 'orders' } }, filters, false), { kind: 'capture' });
});

test('detachNotice: said on PostgreSQL 14 when a partitioned root is captured through itself, with the fix; never on 15+', () => {
  const captured = plan(true).captured;
  const notice = detachNotice(140023, true, captured, 'dbz_publication');
  assert.match(notice ?? '', /DETACH PARTITION on public\.orders/);
  assert.match(notice ?? '', /ALTER PUBLICATION "dbz_publication" SET \(publish_via_partition_root = true\)/);
  assert.equal(detachNotice(150018, true, captured, 'dbz_publication'), null);
  assert.equal(detachNotice(140023, false, plan(false).captured, 'dbz_publication'), null, 'leaf partitions captured: no root route to go stale');
  assert.equal(detachNotice(140023, true, plan(true, { include: ['public\\.items'] }).captured, 'dbz_publication'), null);
});
