/**
 * The package without a Docker engine: the Node.js line (package.json engines, .node-version,
 * bin/cdc.mjs, the Dockerfile) agrees; every image docker/Dockerfile and docker/compose.yaml
 * pull is an exact release or a digest; the daemon's container has a HEALTHCHECK on
 * /health/ready and runs as a non-root user; hadolint (from PyPI, scripts/hadolint.mjs) finds
 * nothing in the Dockerfile, and does find an unpinned image, so this test can fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parse } from 'yaml';
// @ts-expect-error plain JavaScript module without types
import { hadolint } from '../scripts/hadolint.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');
const dockerfile = read('docker/Dockerfile');
const compose = parse(read('docker/compose.yaml')) as { services: Record<string, { image?: string; build?: unknown; healthcheck?: { test?: unknown }; depends_on?: Record<string, { condition?: string }> | string[] }> };

// Images whose releases have two numbers (PostgreSQL 10 and later: 15.20 is one release, 15 a line).
const TWO_PART_RELEASES = new Set(['postgres']);

/** An image reference that names one release: a digest, or a tag holding a full version (x.y.z). */
function pinned(ref: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(ref)) return true;
  const m = /^([^@]+?):([^/:@]+)$/.exec(ref);
  if (!m) return false;
  const parts = TWO_PART_RELEASES.has(m[1]) ? '\\d+\\.\\d+' : '\\d+\\.\\d+\\.\\d+';
  return new RegExp(`(^|[^0-9.])v?${parts}([^0-9.]|$)`).test(m[2]);
}

test('pinned() accepts exact releases and digests, refuses floating tags', () => {
  for (const ok of ['node:24.22.3-bookworm-slim', 'apache/kafka:4.1.0', 'prom/prometheus:v3.5.0', `postgres@sha256:${'a'.repeat(64)}`, 'registry:5000/x/y:1.2.3', 'postgres:15.20-bookworm']) assert.ok(pinned(ok), ok);
  for (const bad of ['node', 'node:latest', 'node:24-slim', 'postgres:15', 'node:24.22', 'grafana/grafana:12', 'registry:5000/x/y']) assert.ok(!pinned(bad), bad);
});

test('engines, .node-version, bin/cdc.mjs and the Dockerfile name one Node.js line', () => {
  const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
  const minimum = Number(/^>=(\d+)$/.exec(engines)?.[1]);
  assert.ok(minimum >= 22, `engines.node is ${engines}: Node 20 is past its end of life and @kafkajs/confluent-schema-registry 4 needs 22`);
  assert.match(read('bin/cdc.mjs'), new RegExp(`const MINIMUM_MAJOR = ${minimum};`));
  const pinnedNode = read('.node-version').trim();
  assert.ok(Number(pinnedNode.split('.')[0]) >= minimum, `.node-version ${pinnedNode} is older than engines ${engines}`);
  const bases = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
  assert.ok(bases.length >= 2, 'the Dockerfile builds in one stage and runs in another');
  for (const b of bases) assert.match(b, new RegExp(`^node:${pinnedNode.replace(/\./g, '\\.')}-`), `FROM ${b}: the image runs the Node.js of .node-version (${pinnedNode})`);
});

test('every image the Dockerfile and compose.yaml pull is an exact release', () => {
  const stages = new Set([...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1].toLowerCase()));
  const froms = [...dockerfile.matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)/gm)].map((m) => m[1]).filter((r) => !stages.has(r.toLowerCase()));
  const copies = [...dockerfile.matchAll(/--from=(\S+)/g)].map((m) => m[1]).filter((r) => !stages.has(r.toLowerCase()));
  const pulled = Object.entries(compose.services).filter(([, s]) => s.build === undefined).map(([name, s]) => [name, s.image ?? ''] as const);
  const refs = [...froms.map((r) => [`Dockerfile FROM ${r}`, r]), ...copies.map((r) => [`Dockerfile COPY --from=${r}`, r]), ...pulled.map(([n, i]) => [`compose service ${n}: image ${i || '(none)'}`, i])];
  const floating = refs.filter(([, ref]) => !pinned(ref)).map(([label]) => label);
  assert.deepEqual(floating, [], 'pin these to an exact release (x.y.z tag) or a digest');
});

test('the daemon image runs as a non-root user and reports readiness from /health/ready', () => {
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const user = /^USER\s+(\S+)/m.exec(runtime)?.[1] ?? '';
  assert.ok(user !== '' && !/^(root|0)(:|$)/.test(user), `runtime stage USER is ${user || 'unset (root)'}`);
  assert.match(runtime, /^HEALTHCHECK\s[^]*?CMD\s+\["node", "-e", "[^\n]*\/health\/ready/m);
  assert.doesNotMatch(runtime, /tsx|typescript/, 'no TypeScript tooling in the runtime stage');
  assert.match(runtime, /npm ci --omit=dev|--from=deps/, 'the runtime stage takes production dependencies only');
  const cdc = compose.services.cdc;
  assert.match(JSON.stringify(cdc.healthcheck?.test ?? ''), /\/health\/ready/, 'compose service cdc probes /health/ready');
});

test('every service another one waits for as healthy has a healthcheck', () => {
  const missing: string[] = [];
  for (const [name, s] of Object.entries(compose.services)) {
    const deps = Array.isArray(s.depends_on) || s.depends_on === undefined ? {} : s.depends_on;
    for (const [dep, d] of Object.entries(deps)) {
      if (d.condition === 'service_healthy' && compose.services[dep]?.healthcheck?.test === undefined) missing.push(`${name} waits for ${dep}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('hadolint finds nothing in docker/Dockerfile, and does flag an unpinned base image', () => {
  const ours = hadolint(['docker/Dockerfile']) as { status: number; output: string };
  assert.equal(ours.status, 0, ours.output);
  const dir = mkdtempSync(join(tmpdir(), 'cdc-hadolint-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM node\nCMD ["node"]\n');
    const bad = hadolint([join(dir, 'Dockerfile')]) as { status: number; output: string };
    assert.notEqual(bad.status, 0);
    assert.match(bad.output, /DL3006/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
