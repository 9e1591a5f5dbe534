import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SnapshotEngine } from './snapshot-engine.ts';
import { InMemoryDatabase, type TestRow } from '../../test/doubles/in-memory-chunk-source.ts';
import { recordingLogger } from '../../test/doubles/recording-logger.ts';

/** Records which table each watermark names. */
class WatermarkTables extends InMemoryDatabase {
  readonly watermarks: { windowId: string; tableId: string }[] = [];
  override async writeWatermark(windowId: string, tableId?: string): Promise<void> {
    this.watermarks.push({ windowId, tableId: tableId ?? '(none)' });
    await super.writeWatermark(windowId);
  }
}

test('writeWatermark names the table whose chunk was just read, with tables read concurrently', async () => {
  const db = new WatermarkTables();
  for (const t of ['a', 'b']) {
    db.createTable(t, ['id']);
    for (let i = 1; i <= 7; i++) db.insert(t, { id: i });
  }
  let n = 0;
  const { log } = recordingLogger();
  const engine = new SnapshotEngine<TestRow>({ source: db, log, chunkSize: 3, maxThreads: 2, where: 'test', newWindowId: () => `w${++n}` });
  engine.startInitial([{ id: 'a', filter: null, surrogateKey: null }, { id: 'b', filter: null, surrogateKey: null }]);
  const windowTable = new Map<string, string>();
  for (let round = 0; round < 10 && !engine.finished; round++) {
    await engine.step();
    for (const e of db.log.splice(0)) {
      if (e.kind !== 'watermark') continue;
      const out = engine.onWatermark(e.id);
      for (const o of out) windowTable.set(e.id, o.tableId);
    }
  }
  assert.ok(engine.finished);
  assert.equal(db.watermarks.length, 6, 'three chunks per table');
  for (const w of db.watermarks) assert.equal(w.tableId, windowTable.get(w.windowId), `window ${w.windowId}`);
  assert.deepEqual(new Set(db.watermarks.map((w) => w.tableId)), new Set(['a', 'b']));
});
