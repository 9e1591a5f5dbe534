/**
 * COPY's text format read back: values, NULLs and escapes as the server writes them
 * (CopyAttributeOutText's rules, written out here independently of the reader), lines split
 * across or packed into CopyData messages, and malformed output refused. The same values
 * through a real server: test/integration/pg-types.it.test.ts and pg-chunked-snapshot.it.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CopyChunk, CopyChunkQuery, CopyColumns, unescapeCopyText } from './copy-chunk.ts';

/** The server's text-format output of one value (COPY TO, delimiter tab). */
function copyOut(v: string | null): string {
  if (v === null) return '\\N';
  let out = '';
  for (const ch of v) {
    switch (ch) {
      case '\b': out += '\\b'; break;
      case '\f': out += '\\f'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      case '\v': out += '\\v'; break;
      case '\\': out += '\\\\'; break;
      default: out += ch;
    }
  }
  return out;
}

const line = (values: readonly (string | null)[]): string => `${values.map(copyOut).join('\t')}\n`;

function chunkOf(names: readonly string[], rows: readonly (readonly (string | null)[])[], split: (bytes: Buffer) => Buffer[] = (b) => [b]): CopyChunk {
  const c = new CopyChunk(new CopyColumns(names), 2);
  for (const part of split(Buffer.from(rows.map(line).join(''), 'utf8'))) c.append(part);
  c.finish();
  return c;
}

const ALPHABET = ['a', 'Z', '0', ' ', 'é', '€', '𝄞', '\t', '\n', '\r', '\\', '\b', '\f', '\v', 'N', '\\N', "'", '"', '\u0001', '\u007f'];

function randomValue(rand: () => number): string | null {
  if (rand() < 0.15) return null;
  let s = '';
  const n = Math.floor(rand() * 12);
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return s;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('values, NULL, empty strings and every escape come back as the server meant them', () => {
  const names = ['snap', 'id', 'txt', '__proto__'];
  const rows = [
    ['1:2:', '1', 'plain', ''],
    ['1:2:', '2', null, 'tab\there\nnewline\\backslash \\N literal'],
    ['1:2:', '3', '\\N', null],
    ['1:2:', '4', 'héllo 𝄞 \b\f\r\v', 'last'],
  ];
  const c = chunkOf(names, rows);
  assert.equal(c.length, 4);
  const handles = c.rows();
  rows.forEach((r, i) => {
    const t = handles[i]!.text();
    assert.deepEqual(names.map((n) => t[n]), r, `row ${i}`);
    assert.equal(Object.getPrototypeOf(Object.getPrototypeOf(t)), null, 'a column named __proto__ is an own property');
    r.forEach((v, col) => assert.equal(handles[i]!.value(col), v, `row ${i} column ${col}`));
  });
});

test('random rows, random CopyData boundaries (a row per message, several per message, split inside a row)', () => {
  const rand = mulberry32(7);
  const names = ['a', 'b', 'c', 'd', 'e'];
  for (let round = 0; round < 200; round++) {
    const rows = Array.from({ length: 1 + Math.floor(rand() * 20) }, () => names.map(() => randomValue(rand)));
    const split = (b: Buffer): Buffer[] => {
      const parts: Buffer[] = [];
      let at = 0;
      while (at < b.length) {
        const n = 1 + Math.floor(rand() * 40);
        parts.push(b.subarray(at, at + n));
        at += n;
      }
      return parts;
    };
    const c = chunkOf(names, rows, split);
    assert.equal(c.length, rows.length);
    c.rows().forEach((h, i) => {
      const t = h.text();
      assert.deepEqual(names.map((n) => t[n]), rows[i], `round ${round} row ${i}`);
      assert.equal(h.value(4), rows[i]![4]);
    });
  }
});

test('escapes COPY FROM also reads: octal, hex, any other character standing for itself', () => {
  const b = Buffer.from('\\101\\x42\\x4\\7\\q\\\\', 'latin1');
  assert.equal(unescapeCopyText(b, 0, b.length), 'AB\u0004\u0007q\\');
});

test('malformed output is refused: a row cut short, a row with too few or too many columns', () => {
  const cut = new CopyChunk(new CopyColumns(['a']));
  cut.append(Buffer.from('1\n2'));
  assert.throws(() => cut.finish(), /ended inside a row/);
  const short = chunkOf(['a', 'b', 'c'], []);
  assert.equal(short.length, 0);
  const few = new CopyChunk(new CopyColumns(['a', 'b', 'c']));
  few.append(Buffer.from('1\t2\n'));
  few.finish();
  assert.throws(() => few.rows()[0]!.text(), /has 2 columns, 3 expected/);
  assert.throws(() => few.rows()[0]!.value(2), /has 2 columns, column 2/);
  const many = new CopyChunk(new CopyColumns(['a']));
  many.append(Buffer.from('1\t2\n'));
  many.finish();
  assert.throws(() => many.rows()[0]!.text(), /more than 1 columns/);
});

test('the query object: rows on ReadyForQuery; an error rejects once; a statement that is not a COPY fails', async () => {
  const cols = new CopyColumns(['a']);
  const sent: string[] = [];
  const ok = new CopyChunkQuery('COPY (SELECT 1) TO STDOUT', cols, 4);
  ok.submit({ query: (t) => sent.push(t) });
  assert.deepEqual(sent, ['COPY (SELECT 1) TO STDOUT']);
  ok.handleCopyData({ chunk: Buffer.from('x\n') });
  ok.handleCommandComplete();
  ok.handleReadyForQuery();
  assert.equal((await ok.result).rows()[0]!.value(0), 'x');

  const failed = new CopyChunkQuery('COPY bad', cols, 4);
  failed.handleError(new Error('syntax error'));
  failed.handleReadyForQuery();
  await assert.rejects(failed.result, /syntax error/);

  const rows = new CopyChunkQuery('SELECT 1', cols, 4);
  rows.handleRowDescription();
  rows.handleDataRow();
  rows.handleCommandComplete();
  rows.handleReadyForQuery();
  await assert.rejects(rows.result, /returned rows instead of COPY data/);

  const cut = new CopyChunkQuery('COPY x TO STDOUT', cols, 4);
  cut.handleCopyData({ chunk: Buffer.from('x') });
  cut.handleCommandComplete();
  cut.handleReadyForQuery();
  await assert.rejects(cut.result, /ended inside a row/);
});

test('a chunk holds its bytes once: a buffer grown for many rows is trimmed to what they take', () => {
  const c = new CopyChunk(new CopyColumns(['a']), 1);
  for (let i = 0; i < 10_000; i++) c.append(Buffer.from(`${i}\n`));
  c.finish();
  assert.equal(c.length, 10_000);
  assert.equal(c.rows()[9_999]!.value(0), '9999');
  assert.ok((c as unknown as { bytes: Buffer }).bytes.length <= 48_890 * 1.25 + 4096);
});
