/**
 * Reads Kafka's sasl.jaas.config value, the JAAS line Kafka clients take:
 *   org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="s3cret";
 * One login module, a control flag, then key=value options (values quoted or bare), ending
 * with ';'. Only what the daemon can use is understood: the PLAIN and SCRAM login modules
 * and their username/password. Messages never repeat an option's value (it holds a password).
 */

export const PLAIN_LOGIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
export const SCRAM_LOGIN_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule';

/** Modules Kafka users write that this daemon cannot run, with the reason. */
const OTHER_MODULES: Readonly<Record<string, string>> = {
  'com.sun.security.auth.module.Krb5LoginModule': 'Kerberos (GSSAPI) is not supported by the Kafka client this daemon uses',
  'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule': 'OAUTHBEARER login through a JAAS module is not supported',
};

export interface JaasConfig {
  readonly loginModule: string;
  readonly flag: string;
  readonly options: Readonly<Record<string, string>>;
}

export type JaasResult = { ok: true; value: JaasConfig } | { ok: false; reason: string };

const FLAGS = ['required', 'requisite', 'sufficient', 'optional'];

export function parseJaasConfig(text: string): JaasResult {
  const s = text.trim();
  let i = 0;
  const skipSpace = (): void => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const word = (): string => {
    const start = i;
    while (i < s.length && /[^\s=;"]/.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  skipSpace();
  const loginModule = word();
  if (loginModule === '') return { ok: false, reason: 'it does not start with a login module class name' };
  skipSpace();
  const flag = word();
  if (!FLAGS.includes(flag.toLowerCase())) {
    return { ok: false, reason: `the login module must be followed by a control flag (${FLAGS.join(', ')})` };
  }
  const options: Record<string, string> = {};
  for (;;) {
    skipSpace();
    if (i >= s.length) return { ok: false, reason: "it does not end with ';'" };
    if (s[i] === ';') {
      i++;
      skipSpace();
      if (i < s.length) return { ok: false, reason: 'it holds more than one login module; give exactly one' };
      return { ok: true, value: { loginModule, flag: flag.toLowerCase(), options } };
    }
    const key = word();
    if (key === '') return { ok: false, reason: `unexpected character at position ${i + 1}; write options as key="value"` };
    skipSpace();
    if (s[i] !== '=') return { ok: false, reason: `option ${key} has no value; write ${key}="..."` };
    i++;
    skipSpace();
    let value: string;
    if (s[i] === '"') {
      i++;
      let out = '';
      for (; i < s.length && s[i] !== '"'; i++) {
        // A backslash keeps the next character (a quote or a backslash inside the value).
        if (s[i] === '\\' && i + 1 < s.length) i++;
        out += s[i];
      }
      if (i >= s.length) return { ok: false, reason: `the value of option ${key} has no closing quote` };
      i++;
      value = out;
    } else {
      value = word();
    }
    if (key in options) return { ok: false, reason: `option ${key} is given twice` };
    options[key] = value;
  }
}

/** Username and password for the PLAIN and SCRAM login modules, or why they cannot be used. */
export function jaasCredentials(text: string): { ok: true; loginModule: string; username: string; password: string } | { ok: false; reason: string } {
  const parsed = parseJaasConfig(text);
  if (!parsed.ok) return parsed;
  const { loginModule, options } = parsed.value;
  const other = OTHER_MODULES[loginModule];
  if (other) return { ok: false, reason: `${loginModule}: ${other}` };
  if (loginModule !== PLAIN_LOGIN_MODULE && loginModule !== SCRAM_LOGIN_MODULE) {
    return { ok: false, reason: `login module ${loginModule} is not one this daemon can use (${PLAIN_LOGIN_MODULE} or ${SCRAM_LOGIN_MODULE})` };
  }
  const missing = ['username', 'password'].filter((k) => options[k] === undefined);
  if (missing.length > 0) return { ok: false, reason: `the ${loginModule.split('.').pop()} entry lacks ${missing.join(' and ')}` };
  const unknown = Object.keys(options).filter((k) => k !== 'username' && k !== 'password');
  // Kafka's SCRAM module knows tokenauth (delegation tokens); this client cannot send it.
  if (unknown.length > 0) return { ok: false, reason: `option(s) ${unknown.join(', ')} cannot be honoured; only username and password are read` };
  return { ok: true, loginModule, username: options['username']!, password: options['password']! };
}
