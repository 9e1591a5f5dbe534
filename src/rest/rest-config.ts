/**
 * What the REST server needs to know, and how it comes out of the worker config.
 * The server takes a plain RestConfig (tests build one by hand); the worker file
 * speaks in properties. The properties themselves are declared in
 * src/config/rest-fields.ts (REST_CONFIG_FIELDS), below the worker's ConfigDef.
 * Kafka Connect configures TLS with Java keystores (listeners.https.ssl.keystore.*);
 * Node reads PEM files, so the TLS properties are our own and name files.
 */
import type { ParsedConfig } from '../config/define.ts';
import { DEFAULT_MAX_BODY_BYTES, parseBasicUsers, parseBearerTokens } from '../config/rest-fields.ts';

export interface RestTlsConfig {
  /** PEM private key of the server certificate. */
  readonly keyFile: string;
  /** PEM server certificate (chain). */
  readonly certFile: string;
  /** PEM CA bundle used to verify client certificates. */
  readonly caFile?: string;
  /** Refuse clients without a certificate signed by caFile (mutual TLS). */
  readonly requireClientCert?: boolean;
}

/** Credentials are plain strings here: never log a RestConfig. */
export type RestAuthConfig =
  | { readonly type: 'basic'; readonly users: Readonly<Record<string, string>> }
  | { readonly type: 'bearer'; readonly tokens: readonly string[] };

export interface RestConfig {
  readonly host: string;
  /** 0 picks a free port; listen() reports the one chosen. */
  readonly port: number;
  readonly tls?: RestTlsConfig;
  readonly auth?: RestAuthConfig;
  /** Largest accepted request body; default DEFAULT_MAX_BODY_BYTES. */
  readonly maxBodyBytes?: number;
  /** How long a request may wait for the herder; default DEFAULT_REQUEST_TIMEOUT_MS (Connect's 90 s). */
  readonly requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 90_000;

/**
 * The RestConfig of a parsed worker config. Pure: files are read by the server at
 * listen(). The field checks above already refused inconsistent settings; the
 * throws here only guard against a ConfigDef that lacks those checks.
 */
export function restConfigFromWorker(parsed: ParsedConfig): RestConfig {
  const authType = parsed.getString('rest.auth.type') ?? 'none';
  let auth: RestAuthConfig | undefined;
  if (authType === 'basic') {
    const { users, problems } = parseBasicUsers(parsed.getPassword('rest.auth.basic.users')?.reveal() ?? '');
    if (problems.length > 0) throw new Error(`rest.auth.basic.users: ${problems.join('; ')}`);
    auth = { type: 'basic', users };
  } else if (authType === 'bearer') {
    const { tokens, problems } = parseBearerTokens(parsed.getPassword('rest.auth.bearer.tokens')?.reveal() ?? '');
    if (problems.length > 0) throw new Error(`rest.auth.bearer.tokens: ${problems.join('; ')}`);
    auth = { type: 'bearer', tokens };
  }
  const keyFile = parsed.getString('rest.tls.key.file');
  const certFile = parsed.getString('rest.tls.cert.file');
  let tls: RestTlsConfig | undefined;
  if (keyFile !== undefined || certFile !== undefined) {
    if (keyFile === undefined || certFile === undefined) throw new Error('HTTPS needs both rest.tls.key.file and rest.tls.cert.file');
    const caFile = parsed.getString('rest.tls.ca.file');
    tls = { keyFile, certFile, ...(caFile !== undefined ? { caFile } : {}), requireClientCert: parsed.getString('rest.tls.client.auth') === 'required' };
  }
  return {
    host: parsed.getString('rest.host.name') ?? '0.0.0.0',
    port: parsed.getInt('rest.port') ?? 8083,
    ...(tls ? { tls } : {}),
    ...(auth ? { auth } : {}),
    maxBodyBytes: parsed.getInt('rest.max.body.bytes') ?? DEFAULT_MAX_BODY_BYTES,
    requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  };
}
