/**
 * database.sslmode and its files, with libpq's meanings
 * (https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION):
 *   disable      plain only
 *   allow        plain first; TLS only if the server refuses the plain attempt
 *   prefer       TLS first; plain if the server has no TLS or refuses the TLS attempt
 *   require      TLS, server certificate not checked, unless a root certificate is given:
 *                then it is checked as in verify-ca (libpq's documented compatibility rule)
 *   verify-ca    TLS, certificate chain checked against the root certificate
 *   verify-full  verify-ca, and the host name (or IP) must match the certificate
 * As in libpq, a root certificate, when present, is checked whenever TLS is used (also for
 * allow and prefer), and the defaults are ~/.postgresql/root.crt, postgresql.crt and
 * postgresql.key when those files exist; sslrootcert=system means the public CAs Node ships.
 * Files are read at every connect, so a renewed certificate is used by the next connection.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import { SourceError } from '../../src/errors/cdc-error.ts';

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export interface PgTlsSettings {
  readonly mode: SslMode;
  /** database.sslrootcert: PEM file of trusted roots, or "system" */
  readonly rootCert?: string;
  /** database.sslcert / database.sslkey: client certificate and its key (PEM files) */
  readonly cert?: string;
  readonly key?: string;
  /** database.sslpassword: passphrase of an encrypted sslkey */
  readonly password?: string;
}

/** What one connection attempt uses: false = plain TCP, else Node TLS options. */
export type SslAttempt = false | ConnectionOptions;

/** Where libpq looks when a file property is unset (it uses each file only if it exists). */
export function libpqDefaultFiles(home = homedir()): { rootCert: string; cert: string; key: string } {
  const dir = join(home, '.postgresql');
  return { rootCert: join(dir, 'root.crt'), cert: join(dir, 'postgresql.crt'), key: join(dir, 'postgresql.key') };
}

export interface TlsFileAccess {
  exists(path: string): boolean;
  read(path: string): Buffer;
  defaults: { rootCert: string; cert: string; key: string };
}

export const realFiles = (): TlsFileAccess => ({ exists: existsSync, read: (p) => readFileSync(p), defaults: libpqDefaultFiles() });

/** The TLS options of one attempt (verification decided by the mode and the root certificate). */
function tlsOptions(t: PgTlsSettings, host: string, files: TlsFileAccess): ConnectionOptions {
  const read = (path: string, property: string): Buffer => {
    try {
      return files.read(path);
    } catch (err) {
      throw new SourceError({
        code: 'CDC_PG_TLS_FILE', what: `cannot read ${path} (${(err as Error).message})`, where: `property ${property}`,
        fix: `give ${property} the path of a readable PEM file, or unset it`,
      });
    }
  };
  const rootPath = t.rootCert ?? (files.exists(files.defaults.rootCert) ? files.defaults.rootCert : undefined);
  const verify = t.mode === 'verify-ca' || t.mode === 'verify-full' || rootPath !== undefined;
  if ((t.mode === 'verify-ca' || t.mode === 'verify-full') && rootPath === undefined) {
    throw new SourceError({
      code: 'CDC_PG_TLS_FILE', what: `database.sslmode=${t.mode} needs a root certificate to check the server against, and none is set (nor is ${files.defaults.rootCert} present)`,
      where: 'property database.sslrootcert',
      fix: 'set database.sslrootcert to the PEM file of the CA that signed the server certificate (or "system" for the public CAs), or use database.sslmode=require',
    });
  }
  const out: ConnectionOptions = { rejectUnauthorized: verify };
  if (rootPath !== undefined && rootPath !== 'system') out.ca = read(rootPath, 'database.sslrootcert');
  if (verify && t.mode !== 'verify-full') out.checkServerIdentity = () => undefined; // chain only
  if (t.mode === 'verify-full') out.checkServerIdentity = (_servername, cert) => checkServerIdentity(host, cert);
  const certPath = t.cert ?? (files.exists(files.defaults.cert) ? files.defaults.cert : undefined);
  if (certPath !== undefined) {
    out.cert = read(certPath, 'database.sslcert');
    const keyPath = t.key ?? files.defaults.key;
    out.key = read(keyPath, t.key !== undefined ? 'database.sslkey' : 'database.sslkey (default ~/.postgresql/postgresql.key)');
    if (t.password !== undefined) out.passphrase = t.password;
  }
  return out;
}

/** libpq's order of attempts for a mode; the caller tries them in turn (see shouldTryNext). */
export function sslAttempts(t: PgTlsSettings, host: string, files: TlsFileAccess = realFiles()): SslAttempt[] {
  switch (t.mode) {
    case 'disable': return [false];
    case 'allow': return [false, tlsOptions(t, host, files)];
    case 'prefer': return [tlsOptions(t, host, files), false];
    default: return [tlsOptions(t, host, files)];
  }
}

/**
 * Whether a failed attempt lets the next one run, as libpq decides: the server said it
 * has no TLS, or it refused the session (pg_hba.conf: SQLSTATE 28000, e.g. a hostssl-only
 * or hostnossl-only entry). A failed certificate check or a bad password never falls back.
 */
export function shouldTryNext(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (e?.code === '28000') return true;
  return /server does not support SSL/i.test(e?.message ?? '');
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL|ERR_OSSL|EPROTO|HOSTNAME|ALTNAME/;

/** A TLS failure (certificate check, handshake), as opposed to an unreachable server or a refusal. */
export function isTlsFailure(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (typeof e?.code === 'string' && TLS_CODES.test(e.code))
    || /does not support SSL|certificate|SSL routines|bad decrypt|ssl connection/i.test(e?.message ?? '');
}

export function tlsError(t: PgTlsSettings, server: string, err: unknown): SourceError {
  const msg = (err as Error)?.message ?? String(err);
  const notOffered = /does not support SSL/i.test(msg);
  return new SourceError({
    code: 'CDC_PG_TLS',
    what: notOffered
      ? `${server} does not offer TLS, and database.sslmode=${t.mode} requires it`
      : `TLS to ${server} failed with database.sslmode=${t.mode}: ${msg}`,
    where: 'properties database.sslmode / database.sslrootcert / database.sslcert / database.sslkey',
    fix: notOffered
      ? 'turn on ssl in postgresql.conf (ssl = on, ssl_cert_file, ssl_key_file) or use database.sslmode=prefer'
      : /decrypt|passphrase|key/i.test(msg) && !/certificate/i.test(msg)
        ? 'check database.sslkey and database.sslpassword (the passphrase of an encrypted key)'
        : 'point database.sslrootcert at the CA that signed the server certificate; for verify-full the certificate must name database.hostname (subjectAltName); or use database.sslmode=require to encrypt without checking',
    cause: err,
  });
}
