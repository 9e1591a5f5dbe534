import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileJavaRegex, regexCheck } from './java-regex.ts';

test('matchesWhole is Matcher.matches; replaceFirst uses the first find from the start, as Java does', () => {
  const lazy = compileJavaRegex('(.*?)x?');
  assert.equal(lazy.matchesWhole('abc'), true);
  assert.equal(lazy.replaceFirst('abc', '[$1]'), '[]abc', 'replaceFirst finds the empty match at 0, not the whole-string one');
  assert.equal(compileJavaRegex('a').matchesWhole('ab'), false);
});

test('Java replacement syntax: $n (greedy while the group exists), ${name}, \\ escapes; bad references throw', () => {
  const re = compileJavaRegex('(a)(b)(?<last>c)');
  assert.equal(re.replaceFirst('abc', '$2$1${last}'), 'bac');
  assert.equal(re.replaceFirst('abc', '$10'), 'a0', 'group 10 does not exist: $1 then 0');
  assert.equal(re.replaceFirst('abc', '\\$1 \\\\'), '$1 \\');
  assert.throws(() => re.replaceFirst('abc', '$'), /group index is missing/);
  assert.throws(() => re.replaceFirst('abc', '${nope}'), /No group with name \{nope\}/);
  assert.throws(() => re.replaceFirst('abc', '$9'), /No group 9/);
  assert.match(String(regexCheck('(')), /does not compile/);
});
