/**
 * The shipped alert rules parse and behave as their unit tests say: `promtool check rules`
 * and `promtool test rules` (docker/prometheus/alerts.test.yml). promtool comes with
 * Prometheus (Debian's prometheus package; test/stack/stack.sh up --with prometheus installs it).
 * Whether their metrics exist is checked against a running daemon by
 * test/integration/prometheus-rules.it.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../docker/prometheus/', import.meta.url));
const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const skip = promtool.error ? 'promtool not installed: apt-get install prometheus (or bash test/stack/stack.sh up --with prometheus)' : false;

function run(args: string[]): string {
  const r = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, `promtool ${args.join(' ')} failed:\n${out}`);
  return out;
}

test('promtool check rules: alerts.yml is valid', { skip }, () => {
  assert.match(run(['check', 'rules', 'alerts.yml']), /SUCCESS/);
});

test('promtool test rules: the alert rules\' unit tests pass', { skip }, () => {
  assert.match(run(['test', 'rules', 'alerts.test.yml']), /SUCCESS/);
});
