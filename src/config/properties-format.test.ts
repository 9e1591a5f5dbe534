import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProperties } from './properties-format.ts';

test('parses Java properties syntax', () => {
  const text = [
    '# comment',
    '! also a comment',
    'name=inventory',
    'connector.class : io.debezium.connector.postgresql.PostgresConnector',
    'tasks.max 1',
    '  database.hostname=db\\',
    '     .internal',
    'path=C:\\\\data\\ttab',
    'unicode=caf\\u00e9',
    'key\\=with\\:seps=v',
    'empty=',
    'name=override',
  ].join('\n');
  const { values, lines } = parseProperties(text, 'c.properties');
  assert.deepEqual(values, {
    name: 'override',
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'tasks.max': '1',
    'database.hostname': 'db.internal',
    path: 'C:\\data\ttab',
    unicode: 'café',
    'key=with:seps': 'v',
    empty: '',
  });
  assert.equal(lines['database.hostname'], 6);
  assert.equal(lines.name, 12);
});

test('malformed unicode escape names file and line', () => {
  assert.throws(() => parseProperties('a=1\nb=\\u12', 'w.properties'), (err: Error & { code?: string; where?: string }) => {
    assert.equal(err.code, 'CDC_CONFIG_SYNTAX');
    assert.equal(err.where, 'w.properties, line 2');
    return true;
  });
});
