import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigDef, defineField } from './define.ts';
import { GENERATED_HEADER, renderConfigReference } from './config-docs.ts';

test('renders a table per group, marks secrets and escapes table syntax', () => {
  const def = new ConfigDef([
    defineField({ name: 'database.password', type: 'password', group: 'Connection', importance: 'high', doc: 'Password.' }),
    defineField({ name: 'mode', type: 'string', enum: ['a', 'b'], default: 'a', group: 'Other', doc: 'One | two.', aliases: ['old.mode'] }),
    defineField({ name: 'opt', type: 'list', required: false, group: 'Other', doc: 'Optional.' }),
  ], { allowedPrefixes: ['driver.'] });
  const md = renderConfigReference([{ title: 'Plugin', def }]);
  assert.ok(md.startsWith(GENERATED_HEADER));
  assert.match(md, /### Plugin: Connection\n\n\| Property \| Type \| Default \| Importance \| Description \|/);
  assert.match(md, /\| `database.password` \| password \(secret\) \| \*\*required\*\* \| high \| Password\. Hidden in logs/);
  assert.match(md, /\| `mode` \| string \| `a` \| medium \| One \\\| two\. Allowed values: `a`, `b` \(any letter case\)\. Deprecated names: `old.mode`\. \|/);
  assert.match(md, /\| `opt` \| list \| \(unset\) \|/);
  assert.match(md, /any property starting with `driver\.`/);
});
