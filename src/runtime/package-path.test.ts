import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { packagePath } from './package-path.ts';

test('packagePath finds migrations/ from the sources and from the compiled tree alike', () => {
  assert.ok(existsSync(packagePath(import.meta.url, 'migrations/postgres')));
  const root = mkdtempSync(join(tmpdir(), 'cdc-pkg-'));
  try {
    writeFileSync(join(root, 'package.json'), '{}');
    mkdirSync(join(root, 'dist/sources/postgres'), { recursive: true });
    const compiled = pathToFileURL(join(root, 'dist/sources/postgres/migrate.js')).href;
    assert.equal(packagePath(compiled, 'migrations/postgres/'), join(root, 'migrations/postgres/'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
