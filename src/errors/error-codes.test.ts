/**
 * Keeps docs/errors.md honest (as Fastify's test/internals/errors.test.js does for
 * its Errors.md): every CDC_* code written as a string literal in src/ or sources/
 * has a "### `CDC_...`" entry with its meaning, cause and fix, and every entry
 * names a code the code base still raises.
 *
 * Codes must be whole literals, even when chosen at run time
 * (`fenced ? 'CDC_KAFKA_FENCED' : 'CDC_KAFKA_TXN'`): a code glued together from
 * pieces (`'CDC_PG_' + kind`, `` `CDC_${x}` ``) cannot be checked, so it fails here.
 * Test files are not scanned: they only assert codes the code raises.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCANNED_DIRS = ['src', 'sources'];
const SOURCE_FILE = /\.(?:ts|mts|cts|js|mjs|cjs)$/;
const TEST_FILE = /\.test\.(?:ts|mts|cts|js|mjs|cjs)$/;
const DOC = join(ROOT, 'docs', 'errors.md');

/** A complete literal: 'CDC_X', "CDC_X" or `CDC_X` (a template without placeholders). */
const WHOLE_LITERAL = /(['"`])(CDC_[A-Z0-9_]*[A-Z0-9])\1/g;
/** The start of a literal that is continued by concatenation or interpolation. */
const PARTIAL_LITERAL = /(?:(['"])CDC_[A-Z0-9_]*\1\s*\+|`CDC_[A-Z0-9_]*\$\{)/g;
/** One catalogue entry per code. */
const DOC_HEADING = /^### `(CDC_[A-Z0-9_]+)`\s*$/gm;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (SOURCE_FILE.test(name) && !TEST_FILE.test(name)) out.push(p);
  }
  return out;
}

interface Scan {
  /** code -> first place it occurs ("path:line") */
  readonly codes: Map<string, string>;
  /** "path:line: text" of codes built from pieces */
  readonly partial: string[];
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

function scanSources(): Scan {
  const codes = new Map<string, string>();
  const partial: string[] = [];
  for (const dir of SCANNED_DIRS) {
    for (const file of sourceFiles(join(ROOT, dir))) {
      const text = readFileSync(file, 'utf8');
      const rel = relative(ROOT, file);
      for (const m of text.matchAll(WHOLE_LITERAL)) {
        const code = m[2]!;
        if (!codes.has(code)) codes.set(code, `${rel}:${lineOf(text, m.index!)}`);
      }
      for (const m of text.matchAll(PARTIAL_LITERAL)) partial.push(`${rel}:${lineOf(text, m.index!)}: ${m[0]}`);
    }
  }
  return { codes, partial };
}

/** code -> the text of its entry (up to the next heading of any level up to ###). */
function documentedEntries(): Map<string, string> {
  const doc = readFileSync(DOC, 'utf8');
  const entries = new Map<string, string>();
  for (const h of doc.matchAll(DOC_HEADING)) {
    const start = h.index! + h[0].length;
    const next = doc.slice(start).search(/^#{1,3} /m);
    entries.set(h[1]!, doc.slice(start, next === -1 ? doc.length : start + next));
  }
  return entries;
}

test('the scan finds the codes it must find (guards the scanner itself)', () => {
  const { codes } = scanSources();
  // One plain literal, and both arms of a code chosen at run time.
  for (const code of ['CDC_CONFIG_UNKNOWN', 'CDC_KAFKA_FENCED', 'CDC_KAFKA_TXN', 'CDC_PG_WAL_LEVEL']) {
    assert.ok(codes.has(code), `scanner missed ${code}`);
  }
});

test('every error code in src/ and sources/ is a whole string literal', () => {
  const { partial } = scanSources();
  assert.deepEqual(partial, [], `error codes built from pieces cannot be checked against docs/errors.md; write each code as one literal:\n  ${partial.join('\n  ')}`);
});

test('every error code raised in the code has an entry in docs/errors.md', () => {
  const { codes } = scanSources();
  const documented = documentedEntries();
  const missing = [...codes].filter(([code]) => !documented.has(code)).map(([code, at]) => `${code} (${at})`);
  assert.deepEqual(missing, [], `add a "### \`CODE\`" entry with Meaning, Cause and Fix to docs/errors.md for:\n  ${missing.join('\n  ')}`);
});

test('every code in docs/errors.md is still raised by the code', () => {
  const { codes } = scanSources();
  const stale = [...documentedEntries().keys()].filter((code) => !codes.has(code));
  assert.deepEqual(stale, [], `docs/errors.md documents codes no file in src/ or sources/ uses any more; remove them:\n  ${stale.join('\n  ')}`);
});

test('every entry of docs/errors.md says what it means, its cause and the fix, once', () => {
  const doc = readFileSync(DOC, 'utf8');
  const all = [...doc.matchAll(DOC_HEADING)].map((m) => m[1]!);
  const twice = all.filter((c, i) => all.indexOf(c) !== i);
  assert.deepEqual(twice, [], `codes listed more than once in docs/errors.md: ${twice.join(', ')}`);
  const incomplete: string[] = [];
  for (const [code, body] of documentedEntries()) {
    const lacks = ['**Meaning:**', '**Cause:**', '**Fix:**'].filter((label) => !body.includes(label));
    if (lacks.length > 0) incomplete.push(`${code}: lacks ${lacks.join(', ')}`);
  }
  assert.deepEqual(incomplete, [], `incomplete entries in docs/errors.md:\n  ${incomplete.join('\n  ')}`);
});
