import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CdcErrorList, ConfigError } from '../errors/cdc-error.ts';
import { resolveProviders, type ProviderIo } from './providers.ts';

const files: Record<string, string> = {
  '/run/secrets/db': 'hunter2\n',
  '/etc/cdc/db.properties': '# creds\nuser=cdc\npassword=s3cr3t\n',
};
const io: ProviderIo = {
  env: { DB_HOST: 'db.internal', EMPTY: '' },
  readFile: (p) => {
    if (p in files) return files[p];
    throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
  },
};

test('resolves env and file placeholders and reports which properties used them', () => {
  const r = resolveProviders(
    {
      'database.hostname': '${env:DB_HOST}',
      'database.url': 'jdbc:postgresql://${env:DB_HOST}:5432/${env::EMPTY}x',
      'database.password': '${file:/run/secrets/db}',
      'database.user': '${file:/etc/cdc/db.properties:user}',
      'table.include.list': ['public.a', '${env:DB_HOST}'],
      'tasks.max': 1,
      'topic.format': '${topic}-${vault:path:key}',
    },
    io,
    'connector "inventory"',
  );
  assert.deepEqual(r.values, {
    'database.hostname': 'db.internal',
    'database.url': 'jdbc:postgresql://db.internal:5432/x',
    'database.password': 'hunter2',
    'database.user': 'cdc',
    'table.include.list': ['public.a', 'db.internal'],
    'tasks.max': 1,
    'topic.format': '${topic}-${vault:path:key}', // unknown provider: left as written
  });
  assert.deepEqual([...r.fromProvider].sort(), ['database.hostname', 'database.password', 'database.url', 'database.user', 'table.include.list']);
});

test('a resolved value is not scanned again', () => {
  const r = resolveProviders({ a: '${env:X}' }, { ...io, env: { X: '${env:Y}', Y: 'leak' } }, 'w');
  assert.equal(r.values.a, '${env:Y}');
});

test('every failure is reported with the placeholder, never the value', () => {
  assert.throws(
    () =>
      resolveProviders(
        { a: '${env:MISSING}', b: '${file:/nope}', c: '${file:/etc/cdc/db.properties:pasword}', d: '${file:/run/secrets/db}' },
        io,
        'connector "inventory"',
      ),
    (err: unknown) => {
      assert.ok(err instanceof CdcErrorList);
      const [a, b, c] = err.errors as ConfigError[];
      assert.equal(err.errors.length, 3);
      assert.equal(a.code, 'CDC_CONFIG_PROVIDER');
      assert.equal(a.where, 'connector "inventory", property a');
      assert.match(a.what, /\$\{env:MISSING\}.*MISSING is not set/);
      assert.match(a.fix!, /set MISSING/);
      assert.match(b.what, /\/nope cannot be read \(ENOENT\)/);
      assert.match(c.what, /has no key pasword/);
      assert.match(c.fix!, /keys there: user, password/);
      assert.doesNotMatch(err.message, /s3cr3t|hunter2/);
      return true;
    },
  );
});
