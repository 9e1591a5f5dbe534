/**
 * database.sslmode and its files against the stack's PostgreSQL, which runs with ssl=on and
 * certificates made by test/stack/stack.sh (CA, server cert for 127.0.0.1/localhost, a client
 * cert for a role that pg_hba.conf admits by certificate only, over TLS only). Each connection
 * asks the server itself (pg_stat_ssl) whether it is encrypted and as whom it logged in.
 * The last test streams through a daemon with verify-full and a client certificate, and checks
 * that every session the connector opened (queries, replication stream, slot monitor) used TLS.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readUntil, waitForTopics } from '../helpers/kafka-reader.ts';
import { createPostgresPlugin } from '../../sources/postgres/connector.ts';
import { readPgTaskConfig } from '../../sources/postgres/task-config.ts';
import { openSql } from '../../sources/postgres/connection.ts';
import { CdcError } from '../../src/errors/cdc-error.ts';
import { silentLogger } from '../../src/log/logger.ts';

const env = stackEnv();
const e = process.env;
const tlsReady = Boolean(e.PG_SSL_ROOT_CERT && e.PG_SSL_CLIENT_CERT && e.PG_SSL_CERT_USER);
const skip = env ? false : SKIP_REASON;
const CERT_USER = e.PG_SSL_CERT_USER ?? 'cdc_cert_user';
let db: PgFixture;

before(async () => {
  if (skip) return;
  // A stack without the TLS files is a stack from an older stack.sh: fail, do not pass silently.
  assert.ok(tlsReady, 'the stack env has no PG_SSL_* paths: run `bash test/stack/stack.sh up` again (it turns TLS on)');
  db = await PgFixture.create(env!, 'tls');
  await db.query(`CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL); INSERT INTO items VALUES (1, 'snap')`);
  await db.query(`COMMENT ON COLUMN items.name IS 'what the item is called'`);
  // The certificate user: no password at all, so only the certificate can let it in.
  await db.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${CERT_USER}') THEN CREATE ROLE ${CERT_USER} LOGIN; END IF; END $$`);
  await db.query(`ALTER ROLE ${CERT_USER} SUPERUSER REPLICATION PASSWORD NULL`);
});

after(async () => { if (db) await db.drop(); });

const plugin = createPostgresPlugin();
function parsed(extra: Record<string, string>) {
  return plugin.configDef.parse({
    name: 'tls', 'connector.class': 'PostgresConnector', 'database.hostname': env!.pg.host, 'database.port': String(env!.pg.port),
    'database.user': env!.pg.user, 'database.password': env!.pg.password, 'database.dbname': db.database, 'topic.prefix': 'tls',
    'connect.timeout.ms': '10000', ...extra,
  }, 'test');
}

/** Opens a SQL session as the connector would and asks the server how it sees it. */
async function session(extra: Record<string, string>): Promise<{ ssl: boolean; user: string }> {
  const sql = await openSql(readPgTaskConfig(parsed(extra)).connection);
  try {
    const r = await sql.query('SELECT ssl::text AS ssl, current_user::text AS u FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    const row = r.rows[0] as { ssl: string; u: string };
    return { ssl: row.ssl === 'true', user: row.u };
  } finally {
    await sql.end();
  }
}

async function failure(extra: Record<string, string>): Promise<CdcError> {
  try {
    await session(extra);
  } catch (err) {
    assert.ok(err instanceof CdcError, String(err));
    return err;
  }
  assert.fail('the connection was expected to fail');
}

const ca = () => e.PG_SSL_ROOT_CERT!;
const clientCert = () => ({ 'database.user': CERT_USER, 'database.sslcert': e.PG_SSL_CLIENT_CERT!, 'database.sslkey': e.PG_SSL_CLIENT_KEY! });

test('sslmode: disable is plain, allow takes plain first, prefer (default) and require encrypt', { skip, timeout: 60_000 }, async () => {
  assert.deepEqual(await session({ 'database.sslmode': 'disable' }), { ssl: false, user: env!.pg.user });
  assert.equal((await session({ 'database.sslmode': 'allow' })).ssl, false, 'allow: the plain attempt is accepted, so no TLS');
  assert.equal((await session({})).ssl, true, 'prefer is the default and the server offers TLS');
  assert.equal((await session({ 'database.sslmode': 'require' })).ssl, true, 'require works without any CA');
});

test('sslmode: verify-full and verify-ca with the right CA work; a wrong CA fails clearly', { skip, timeout: 60_000 }, async () => {
  assert.equal((await session({ 'database.sslmode': 'verify-full', 'database.sslrootcert': ca() })).ssl, true);
  assert.equal((await session({ 'database.sslmode': 'verify-ca', 'database.sslrootcert': ca() })).ssl, true);
  for (const mode of ['verify-full', 'verify-ca', 'require']) {
    // require with a root certificate checks it, as libpq does.
    const err = await failure({ 'database.sslmode': mode, 'database.sslrootcert': e.PG_SSL_UNTRUSTED_CA! });
    assert.equal(err.code, 'CDC_PG_TLS', `${mode}: ${err.message}`);
    assert.match(err.message, /certificate/);
    assert.match(err.message, /database\.sslrootcert/);
    assert.equal(err.retriable, false, 'a certificate does not fix itself');
  }
  const missing = await failure({ 'database.sslmode': 'verify-full', 'database.sslrootcert': '/nonexistent/ca.pem' });
  assert.equal(missing.code, 'CDC_PG_TLS_FILE');
  assert.match(missing.message, /\/nonexistent\/ca\.pem/);
});

test('sslmode: verify-full checks the host name, verify-ca does not', { skip, timeout: 60_000 }, async () => {
  // "127.1" reaches 127.0.0.1 but is not a name the server certificate carries.
  const other = { 'database.hostname': '127.1', 'database.sslrootcert': ca() };
  assert.equal((await session({ ...other, 'database.sslmode': 'verify-ca' })).ssl, true);
  const err = await failure({ ...other, 'database.sslmode': 'verify-full' });
  assert.equal(err.code, 'CDC_PG_TLS');
  assert.match(err.message, /127\.1/);
});

test('client certificate: accepted by a cert-only pg_hba line; allow/prefer fall back as libpq does', { skip, timeout: 60_000 }, async () => {
  assert.deepEqual(await session({ ...clientCert(), 'database.sslmode': 'verify-full', 'database.sslrootcert': ca() }), { ssl: true, user: CERT_USER });
  // An encrypted key with its passphrase.
  assert.deepEqual(await session({
    ...clientCert(), 'database.sslkey': e.PG_SSL_CLIENT_KEY_ENCRYPTED!, 'database.sslpassword': e.PG_SSL_CLIENT_KEY_PASSWORD!, 'database.sslmode': 'require',
  }), { ssl: true, user: CERT_USER });
  // allow: the plain attempt is refused by pg_hba (hostnossl ... reject), so the TLS attempt follows.
  assert.deepEqual(await session({ ...clientCert(), 'database.sslmode': 'allow' }), { ssl: true, user: CERT_USER });
  // disable: nothing to fall back to.
  const refused = await failure({ ...clientCert(), 'database.sslmode': 'disable' });
  assert.equal(refused.code, 'CDC_PG_AUTH');
  assert.match(refused.message, /sslmode=disable/);
  // Without the certificate the cert line refuses the user.
  assert.equal((await failure({ 'database.user': CERT_USER, 'database.sslmode': 'require' })).code, 'CDC_PG_AUTH');
  // A wrong passphrase is a TLS problem, and the passphrase never shows.
  const bad = await failure({ ...clientCert(), 'database.sslkey': e.PG_SSL_CLIENT_KEY_ENCRYPTED!, 'database.sslpassword': 'wrong-pass-xyz', 'database.sslmode': 'require' });
  assert.equal(bad.code, 'CDC_PG_TLS');
  assert.ok(!bad.message.includes('wrong-pass-xyz'));
});

test('cdc validate path: a wrong CA is reported on database.sslmode with the fix', { skip, timeout: 60_000 }, async () => {
  const problems = await plugin.validateEnvironment(parsed({ 'database.sslmode': 'verify-full', 'database.sslrootcert': e.PG_SSL_UNTRUSTED_CA! }), silentLogger());
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.equal(problems[0]!.code, 'CDC_PG_TLS');
  assert.equal(problems[0]!.property, 'database.sslmode');
  assert.match(problems[0]!.fix, /database\.sslrootcert/);
});

test('streaming over verify-full with a client certificate: every connector session is encrypted', { skip, timeout: 180_000 }, async () => {
  const name = `tls_${db.database.slice(-8)}`;
  const topic = `${name}.public.items`;
  const daemon = new Daemon(writeConfig({
    env: env!, name, database: db.database, connector: {
      ...clientCert(), 'database.sslkey': e.PG_SSL_CLIENT_KEY_ENCRYPTED!, 'database.sslpassword': e.PG_SSL_CLIENT_KEY_PASSWORD!,
      'database.sslmode': 'verify-full', 'database.sslrootcert': ca(), 'table.include.list': 'public\\.items',
      'include.schema.comments': true, 'slot.drop.on.stop': true,
    },
  }), env!).start();
  try {
    await daemon.withLog(async () => {
      await daemon.waitForLog(/replication stream started/, 90_000);
      // The chunked snapshot runs beside the stream: write after it ended, so the row is not also read.
      await daemon.waitForLog(/initial snapshot complete/, 90_000);
      await db.query(`INSERT INTO items VALUES (2, 'streamed')`);
      const rs = await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.length >= 2, 60_000);
      assert.deepEqual(rs.map((r) => (r.value as { after: { id: number } }).after.id), [1, 2]);
      const sessions = await db.query(`SELECT a.backend_type::text AS kind, s.ssl::text AS ssl, a.usename::text AS usr
          FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid WHERE a.application_name = $1`, [`cdc-${name}`]);
      const rows = sessions.rows as { kind: string; ssl: string; usr: string }[];
      assert.ok(rows.some((r) => r.kind === 'walsender'), `the replication stream is among the sessions: ${JSON.stringify(rows)}`);
      assert.ok(rows.length >= 2, JSON.stringify(rows));
      for (const r of rows) assert.deepEqual([r.ssl, r.usr], ['true', CERT_USER], JSON.stringify(r));
      // include.schema.comments=true: the column comment is the field's doc in the registered schema.
      const schema = await (await fetch(`${env!.registry}/subjects/${topic}-value/versions/latest`)).json() as { schema: string };
      assert.match(schema.schema, /what the item is called/);
      assert.ok(!daemon.output.includes(e.PG_SSL_CLIENT_KEY_PASSWORD!), 'database.sslpassword never appears in the log');
    });
  } finally {
    await daemon.stop();
  }
});
