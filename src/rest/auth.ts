/**
 * HTTP Basic and Bearer authentication for the REST API. Kafka Connect leaves
 * authentication to REST extensions (BasicAuthSecurityRestExtension with JAAS);
 * we build the two common schemes in. Comparisons hash both sides first and use
 * timingSafeEqual, so neither the length nor the content of a credential leaks
 * through response times, and every configured entry is compared (no early exit).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RestAuthConfig } from './rest-config.ts';
import { RestError } from './rest-error.ts';

const REALM = 'cdc';

export interface Authenticator {
  /** The principal for the request log: the user (basic) or token#N (bearer); throws RestError 401 otherwise. */
  authenticate(headers: IncomingHttpHeaders): string;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function unauthorized(challenge: string, message: string): RestError {
  return new RestError(401, message, { 'www-authenticate': challenge });
}

/** The credentials part of "Authorization: <scheme> <credentials>", scheme matched in any case. */
function credentials(headers: IncomingHttpHeaders, scheme: string): string | undefined {
  const header = headers.authorization;
  if (header === undefined) return undefined;
  const m = /^(\S+)\s+(.+)$/.exec(header.trim());
  return m && m[1]!.toLowerCase() === scheme.toLowerCase() ? m[2]!.trim() : '';
}

export function createAuthenticator(config: RestAuthConfig | undefined): Authenticator | null {
  if (!config) return null;
  if (config.type === 'basic') {
    const users = Object.entries(config.users);
    if (users.length === 0) throw new Error('REST basic authentication needs at least one user (rest.auth.basic.users)');
    const challenge = `Basic realm="${REALM}", charset="UTF-8"`;
    return {
      authenticate(headers) {
        const given = credentials(headers, 'Basic');
        if (given === undefined) throw unauthorized(challenge, 'Authentication required: send an Authorization: Basic header with user:password (curl -u user:password)');
        const decoded = Buffer.from(given, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (given === '' || colon < 0) throw unauthorized(challenge, 'Malformed Authorization header: expected Basic followed by base64 of user:password');
        const user = decoded.slice(0, colon);
        const password = decoded.slice(colon + 1);
        let ok = false;
        for (const [u, p] of users) {
          // Both comparisons always run: skipping the password for an unknown user would time differently.
          const userOk = sameSecret(user, u);
          const passwordOk = sameSecret(password, p);
          if (userOk && passwordOk) ok = true;
        }
        // One message for unknown user and wrong password: do not confirm which users exist.
        if (!ok) throw unauthorized(challenge, 'Invalid user name or password');
        return user;
      },
    };
  }
  if (config.tokens.length === 0) throw new Error('REST bearer authentication needs at least one token (rest.auth.bearer.tokens)');
  const tokens = [...config.tokens];
  return {
    authenticate(headers) {
      const given = credentials(headers, 'Bearer');
      // RFC 6750 section 3: no error code when the request carried no credentials.
      if (given === undefined) throw unauthorized(`Bearer realm="${REALM}"`, 'Authentication required: send an Authorization: Bearer <token> header');
      if (given === '') throw unauthorized(`Bearer realm="${REALM}", error="invalid_request"`, 'Malformed Authorization header: expected Bearer followed by the token');
      let matched = -1;
      tokens.forEach((t, i) => { if (sameSecret(given, t)) matched = i; });
      if (matched < 0) throw unauthorized(`Bearer realm="${REALM}", error="invalid_token"`, 'Invalid bearer token');
      // Which token was used (by position), so logs can show a rotation's progress without the token.
      return `token#${matched + 1}`;
    },
  };
}
