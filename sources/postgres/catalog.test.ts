import { test } from 'node:test';
import assert from 'node:assert/strict';
import { publishesGeneratedColumns, type PgQueryable } from './catalog.ts';

/** Answers the two catalog questions like a server of the given version with the given pubgencols. */
function server(versionNum: number, pubgencols: string | null): PgQueryable & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async query(text: string) {
      asked.push(text);
      if (text.includes('server_version_num')) return { rows: [{ v: String(versionNum) }] };
      if (text.includes('pubgencols')) return { rows: pubgencols === null ? [] : [{ g: pubgencols }] };
      throw new Error(`unexpected query ${text}`);
    },
  };
}

test('generated columns are sent only by PostgreSQL 18+ publications with publish_generated_columns = stored', async () => {
  const pg15 = server(150008, null);
  assert.equal(await publishesGeneratedColumns(pg15, 'p'), false);
  assert.equal(pg15.asked.length, 1, 'before 18 pg_publication has no pubgencols column: not queried');
  assert.equal(await publishesGeneratedColumns(server(180001, 's'), 'p'), true);
  assert.equal(await publishesGeneratedColumns(server(180001, 'n'), 'p'), false);
  assert.equal(await publishesGeneratedColumns(server(180001, null), 'p'), false, 'a publication still to be created is created without the option');
});
