import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionOptions } from 'node:tls';
import { CdcError } from '../../src/errors/cdc-error.ts';
import { isTlsFailure, shouldTryNext, sslAttempts, type PgTlsSettings, type TlsFileAccess } from './tls.ts';

/** Files that exist only when listed; contents are their own path. */
function files(present: string[] = []): TlsFileAccess {
  return {
    exists: (p) => present.includes(p),
    read: (p) => { if (!present.includes(p)) throw new Error('ENOENT: no such file'); return Buffer.from(p); },
    defaults: { rootCert: '/home/u/.postgresql/root.crt', cert: '/home/u/.postgresql/postgresql.crt', key: '/home/u/.postgresql/postgresql.key' },
  };
}
const attempts = (t: PgTlsSettings, f = files()) => sslAttempts(t, 'db.example', f);
const opts = (a: false | ConnectionOptions): ConnectionOptions => { assert.ok(a !== false); return a; };

test('sslmode order of attempts follows libpq', () => {
  assert.deepEqual(attempts({ mode: 'disable' }), [false]);
  const allow = attempts({ mode: 'allow' });
  assert.equal(allow[0], false);
  assert.equal(opts(allow[1]!).rejectUnauthorized, false);
  const prefer = attempts({ mode: 'prefer' });
  assert.equal(opts(prefer[0]!).rejectUnauthorized, false);
  assert.equal(prefer[1], false);
  const require = attempts({ mode: 'require' });
  assert.equal(require.length, 1);
  assert.equal(opts(require[0]!).rejectUnauthorized, false);
});

test('require with a root certificate checks the chain (as verify-ca), but not the host name', () => {
  const f = files(['/ca.pem']);
  const a = opts(attempts({ mode: 'require', rootCert: '/ca.pem' }, f)[0]!);
  assert.equal(a.rejectUnauthorized, true);
  assert.equal(String(a.ca), '/ca.pem');
  assert.equal(a.checkServerIdentity!('x', {} as never), undefined);
  // The libpq default file counts too, for every mode that uses TLS.
  const d = files(['/home/u/.postgresql/root.crt']);
  assert.equal(opts(attempts({ mode: 'prefer' }, d)[0]!).rejectUnauthorized, true);
});

test('verify-ca checks the chain only; verify-full also the host name', () => {
  const f = files(['/ca.pem']);
  const ca = opts(attempts({ mode: 'verify-ca', rootCert: '/ca.pem' }, f)[0]!);
  assert.equal(ca.rejectUnauthorized, true);
  assert.equal(ca.checkServerIdentity!('other', { subject: { CN: 'other' }, subjectaltname: 'DNS:other' } as never), undefined);
  const full = opts(attempts({ mode: 'verify-full', rootCert: '/ca.pem' }, f)[0]!);
  assert.equal(full.rejectUnauthorized, true);
  assert.ok(full.checkServerIdentity!('ignored', { subject: { CN: 'other' }, subjectaltname: 'DNS:other' } as never) instanceof Error);
  assert.equal(full.checkServerIdentity!('ignored', { subject: { CN: 'db.example' }, subjectaltname: 'DNS:db.example' } as never), undefined);
});

test('verify-* without any root certificate is refused; "system" means the bundled public CAs', () => {
  assert.throws(() => attempts({ mode: 'verify-full' }), (e: unknown) => e instanceof CdcError && e.code === 'CDC_PG_TLS_FILE' && /database\.sslrootcert/.test(e.where ?? ''));
  const sys = opts(attempts({ mode: 'verify-full', rootCert: 'system' })[0]!);
  assert.equal(sys.rejectUnauthorized, true);
  assert.equal(sys.ca, undefined);
});

test('client certificate, key and passphrase; unreadable files are named', () => {
  const f = files(['/c.pem', '/k.pem']);
  const a = opts(attempts({ mode: 'require', cert: '/c.pem', key: '/k.pem', password: 'pw' }, f)[0]!);
  assert.equal(String(a.cert), '/c.pem');
  assert.equal(String(a.key), '/k.pem');
  assert.equal(a.passphrase, 'pw');
  assert.throws(() => attempts({ mode: 'require', cert: '/c.pem', key: '/missing.pem' }, f),
    (e: unknown) => e instanceof CdcError && e.code === 'CDC_PG_TLS_FILE' && /database\.sslkey/.test(e.where ?? '') && /missing\.pem/.test(e.what));
  // No client certificate unless one is configured or the libpq default exists.
  assert.equal(opts(attempts({ mode: 'require' })[0]!).cert, undefined);
});

test('fall back only when the server has no TLS or pg_hba refused the attempt', () => {
  assert.equal(shouldTryNext(new Error('The server does not support SSL connections')), true);
  assert.equal(shouldTryNext(Object.assign(new Error('pg_hba.conf rejects connection'), { code: '28000' })), true);
  assert.equal(shouldTryNext(Object.assign(new Error('password authentication failed'), { code: '28P01' })), false);
  assert.equal(shouldTryNext(Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' })), false);
  assert.equal(isTlsFailure(Object.assign(new Error('x'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' })), true);
  assert.equal(isTlsFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), false);
});
