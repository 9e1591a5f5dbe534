/**
 * The production image compiles src/ and sources/ (to dist/), copies bin/ and migrations/,
 * and leaves test/ and every *.test.ts out (docker/Dockerfile, Dockerfile.dockerignore).
 * These checks keep that true: test doubles and test helpers live under test/,
 * and no production file needs anything from there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|mjs|js)$/.test(name)) out.push(relative(ROOT, p));
  }
  return out;
}

const shipped = ['bin', 'src', 'sources'].flatMap((d) => walk(join(ROOT, d))).filter((f) => !f.endsWith('.test.ts'));

test('no shipped file imports from test/', () => {
  const offenders = shipped.filter((f) => /from\s+['"](\.\.\/)+test\/|import\(\s*['"](\.\.\/)+test\//.test(readFileSync(join(ROOT, f), 'utf8')));
  assert.deepEqual(offenders, [], 'production code must not depend on test/ (it is not in the image)');
});

test('test doubles and test kits live under test/, not beside the code that ships', () => {
  const doubles = shipped.filter((f) => /(^|[/-])(fake|stub|mock)[-.]|test-kit|test-support/.test(f.split('/').pop()!)
    || /^\s*\*\s*Test support/m.test(readFileSync(join(ROOT, f), 'utf8').slice(0, 400)));
  assert.deepEqual(doubles, [], 'move these under test/doubles/');
});

test('the image build leaves test/ and *.test.ts out', () => {
  const ignore = readFileSync(join(ROOT, 'docker/Dockerfile.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
  assert.ok(ignore.includes('test'), 'docker/Dockerfile.dockerignore lists test');
  assert.ok(ignore.includes('**/*.test.ts'), 'docker/Dockerfile.dockerignore lists **/*.test.ts');
  const copies = [...readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8').matchAll(/^COPY\s+(?!--from)(\S+)/gm)].map((m) => m[1]);
  assert.ok(!copies.some((c) => c === 'test' || c === '.' || c.startsWith('test/')), `Dockerfile copies ${copies.join(', ')}`);
});

test('src/ is database-agnostic: only the composition root (src/cli.ts) imports sources/, and only its plugin list', () => {
  const offenders = shipped.filter((f) => f.startsWith('src/') && f !== 'src/cli.ts'
    && /from\s+['"](\.\.\/)+sources\/|import\(\s*['"](\.\.\/)+sources\//.test(readFileSync(join(ROOT, f), 'utf8')));
  assert.deepEqual(offenders, [], 'a plugin reaches the runtime through sources/builtin-plugins.ts and its hooks, not by import');
  const cli = [...readFileSync(join(ROOT, 'src/cli.ts'), 'utf8').matchAll(/from\s+['"]\.\.\/(sources\/[^'"]+)['"]/g)].map((m) => m[1]);
  assert.deepEqual(cli, ['sources/builtin-plugins.ts']);
});
