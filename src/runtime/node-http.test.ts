import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));

test('the modules that serve and call HTTP do not load undici (fetch), which an ES import of node:http would', () => {
  const modules = ['../rest/rest-server.ts', '../metrics/metrics-server.ts', '../serde/http-fetch.ts', '../serde/schema-registry-client.ts'].map(here);
  const script = `for (const m of ${JSON.stringify(modules)}) await import(m);
    process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('undici'))));`;
  const run = (code: string) => spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
  const ours = run(script);
  assert.equal(ours.status, 0, ours.stderr);
  assert.deepEqual(JSON.parse(ours.stdout), []);
  // The check can fail: the same child with an ES import of node:http does load it.
  const control = run(`import 'node:http'; ${script}`);
  assert.equal(control.status, 0, control.stderr);
  assert.notDeepEqual(JSON.parse(control.stdout), []);
});
