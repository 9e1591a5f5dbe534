/**
 * Writes docs/config-reference.md from the ConfigDefs listed in
 * src/config/reference-sections.ts and the built-in plugins' sections (sources/builtin-plugins.ts). `--check` only compares, exiting 1 when the
 * committed file is stale (for CI). Run: npm run docs:config.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigReference } from '../src/config/config-docs.ts';
import { REFERENCE_PREAMBLE, referenceSections } from '../src/config/reference-sections.ts';
import { builtinPlugins } from '../sources/builtin-plugins.ts';

const target = fileURLToPath(new URL('../docs/config-reference.md', import.meta.url));
const rendered = renderConfigReference(referenceSections(builtinPlugins()), REFERENCE_PREAMBLE);

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // a missing file is simply stale
  }
  if (current !== rendered) {
    console.error(`${target} is stale: run npm run docs:config and commit the result`);
    process.exit(1);
  }
} else {
  writeFileSync(target, rendered);
  console.log(`wrote ${target}`);
}
