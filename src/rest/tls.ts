/**
 * Reads the REST API's PEM files when the server starts (not when the config is
 * parsed, so the config stays a pure value and the error names the file at the
 * moment it matters). Each error names the property, the path and the fix.
 */
import { readFileSync } from 'node:fs';
import type { ServerOptions } from 'node:https';
import type { RestTlsConfig } from './rest-config.ts';

function readPem(path: string, property: string, what: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new Error(`REST TLS: cannot read ${what} ${path} (${property}): ${code}; fix: point ${property} at a readable PEM file`);
  }
  if (!data.includes('-----BEGIN ')) {
    throw new Error(`REST TLS: ${what} ${path} (${property}) is not PEM (no "-----BEGIN" line); fix: convert it, e.g. openssl x509 -in cert.der -inform der -out cert.pem`);
  }
  return data;
}

export function tlsServerOptions(tls: RestTlsConfig): ServerOptions {
  const requireClientCert = tls.requireClientCert === true;
  if (requireClientCert && !tls.caFile) {
    throw new Error('REST TLS: client certificates are required (rest.tls.client.auth=required) but no CA is given; fix: set rest.tls.ca.file to the CA that signs client certificates');
  }
  return {
    key: readPem(tls.keyFile, 'rest.tls.key.file', 'private key'),
    cert: readPem(tls.certFile, 'rest.tls.cert.file', 'certificate'),
    ...(tls.caFile ? { ca: readPem(tls.caFile, 'rest.tls.ca.file', 'CA bundle') } : {}),
    requestCert: requireClientCert,
    rejectUnauthorized: requireClientCert,
  };
}
