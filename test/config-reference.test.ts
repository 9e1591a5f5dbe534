/**
 * The committed docs/config-reference.md is what the declarations render: the worker's,
 * the framework's and every built-in plugin's section (sources/builtin-plugins.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderConfigReference } from '../src/config/config-docs.ts';
import { REFERENCE_PREAMBLE, referenceSections } from '../src/config/reference-sections.ts';
import { builtinPlugins } from '../sources/builtin-plugins.ts';

const COMMITTED = new URL('../docs/config-reference.md', import.meta.url);

test('docs/config-reference.md matches the ConfigDefs (run `npm run docs:config` to regenerate)', () => {
  const expected = renderConfigReference(referenceSections(builtinPlugins()), REFERENCE_PREAMBLE);
  const actual = readFileSync(COMMITTED, 'utf8');
  assert.equal(actual, expected, 'docs/config-reference.md is stale: run npm run docs:config and commit the result');
});

test('every built-in plugin documents its own properties', () => {
  for (const p of builtinPlugins()) assert.ok(p.configReference, `${p.className} has no configReference section`);
});
