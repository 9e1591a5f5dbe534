/**
 * The worker properties of the REST API (rest.auth.*, rest.tls.*, rest.max.body.bytes), declared
 * in src/config so that the worker's ConfigDef (worker-config.ts) does not reach up into src/rest;
 * src/rest/rest-config.ts turns the parsed values into the server's RestConfig.
 * rest.host.name and rest.port are declared in worker-config.ts itself.
 */
import { defineField, type ParsedValues } from './define.ts';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const REST = 'REST API';

/** "alice:pw1,bob:pw2" -> {alice: 'pw1', bob: 'pw2'}; split at the first colon, as HTTP Basic does. */
export function parseBasicUsers(text: string): { users: Record<string, string>; problems: string[] } {
  const users: Record<string, string> = {};
  const problems: string[] = [];
  const entries = text.split(',').map((e) => e.trim()).filter((e) => e !== '');
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    // Never quote the entry: it holds a password.
    if (colon <= 0) problems.push(`entry ${i + 1} is not user:password`);
    else if (colon === entry.length - 1) problems.push(`entry ${i + 1} has an empty password`);
    else users[entry.slice(0, colon)] = entry.slice(colon + 1);
  });
  if (entries.length === 0) problems.push('no user:password entry');
  return { users, problems };
}

/** RFC 6750 b64token: the characters a bearer token may contain. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export function parseBearerTokens(text: string): { tokens: string[]; problems: string[] } {
  const tokens = text.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const problems = tokens.flatMap((t, i) => (B64TOKEN.test(t) ? [] : [`token ${i + 1} contains characters a bearer token cannot have`]));
  if (tokens.length === 0) problems.push('no token');
  return { tokens, problems };
}

const needsSetting = (when: string, property: string, example: string) => (all: ParsedValues): true | string =>
  all.isSet(property) || `${when} needs ${property} (e.g. ${example})`;

export const restAuthType = defineField({
  name: 'rest.auth.type', type: 'string', enum: ['none', 'basic', 'bearer'], default: 'none', group: REST, importance: 'high', width: 'short',
  doc: 'How REST clients authenticate: none, basic (HTTP Basic against rest.auth.basic.users) or bearer (Authorization: Bearer with one of rest.auth.bearer.tokens). Applies to every endpoint except GET /health. Use it with TLS: both schemes send the credential in clear otherwise.',
  check: (v, all) =>
    v === 'basic' ? needsSetting('rest.auth.type=basic', 'rest.auth.basic.users', 'admin:${env:REST_ADMIN_PASSWORD}')(all)
      : v === 'bearer' ? needsSetting('rest.auth.type=bearer', 'rest.auth.bearer.tokens', '${env:REST_TOKENS}')(all)
        : true,
});

export const restAuthBasicUsers = defineField({
  name: 'rest.auth.basic.users', type: 'password', required: false, group: REST, importance: 'high', width: 'long',
  doc: 'Users allowed by rest.auth.type=basic, as user:password pairs separated by commas. A user name cannot contain a colon, a password cannot contain a comma.',
  check: (v) => {
    const { problems } = parseBasicUsers(v.reveal());
    return problems.length === 0 || `write user:password pairs separated by commas (${problems.join('; ')})`;
  },
});

export const restAuthBearerTokens = defineField({
  name: 'rest.auth.bearer.tokens', type: 'password', required: false, group: REST, importance: 'high', width: 'long',
  doc: 'Tokens accepted by rest.auth.type=bearer, separated by commas; list two while rotating. Generate them with e.g. openssl rand -base64 32.',
  check: (v) => {
    const { problems } = parseBearerTokens(v.reveal());
    return problems.length === 0 || `write tokens of letters, digits and -._~+/ separated by commas (${problems.join('; ')})`;
  },
});

export const restTlsKeyFile = defineField({
  name: 'rest.tls.key.file', type: 'string', required: false, group: REST, importance: 'high', width: 'long',
  doc: 'PEM private key file; with rest.tls.cert.file, the REST API serves HTTPS instead of HTTP.',
  check: (_v, all) => needsSetting('rest.tls.key.file', 'rest.tls.cert.file', '/etc/cdc/rest.crt')(all),
});

export const restTlsCertFile = defineField({
  name: 'rest.tls.cert.file', type: 'string', required: false, group: REST, importance: 'high', width: 'long',
  doc: 'PEM certificate (chain) file of the REST API, served with rest.tls.key.file.',
  check: (_v, all) => needsSetting('rest.tls.cert.file', 'rest.tls.key.file', '/etc/cdc/rest.key')(all),
});

export const restTlsCaFile = defineField({
  name: 'rest.tls.ca.file', type: 'string', required: false, group: REST, importance: 'medium', width: 'long',
  doc: 'PEM CA bundle that client certificates must chain to when rest.tls.client.auth=required.',
});

export const restTlsClientAuth = defineField({
  name: 'rest.tls.client.auth', type: 'string', enum: ['none', 'required'], default: 'none', group: REST, importance: 'medium', width: 'short',
  doc: 'required: refuse HTTPS clients without a certificate signed by rest.tls.ca.file (mutual TLS).',
  check: (v, all) =>
    v === 'none' || (all.isSet('rest.tls.key.file') && all.isSet('rest.tls.ca.file')) ||
    'rest.tls.client.auth=required needs HTTPS (rest.tls.key.file, rest.tls.cert.file) and rest.tls.ca.file to verify clients against',
});

export const restMaxBodyBytes = defineField({
  name: 'rest.max.body.bytes', type: 'int', default: DEFAULT_MAX_BODY_BYTES, group: REST, importance: 'low', width: 'short',
  doc: 'Largest request body the REST API accepts; larger ones get 413.',
  check: (v) => v >= 1024 || 'use at least 1024 bytes: a connector config needs a few kilobytes',
});

/** Declarations to add to workerConfigDef() (src/config/worker-config.ts). */
export const REST_CONFIG_FIELDS = [
  restAuthType, restAuthBasicUsers, restAuthBearerTokens,
  restTlsKeyFile, restTlsCertFile, restTlsCaFile, restTlsClientAuth, restMaxBodyBytes,
] as const;
