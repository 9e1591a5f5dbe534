/**
 * Which property values are secret, and hiding them.
 * Declared fields say so themselves (type 'password' or secret: true). Passthrough keys
 * (producer.override.sasl.jaas.config, key.converter.basic.auth.user.info, ...) have no
 * declaration, so their names are matched against the words Kafka, Schema Registry and
 * JDBC drivers use for credentials: hiding one value too many is cheap, leaking one is not.
 */
import { HIDDEN_VALUE } from './secret.ts';

// connection.?string: Debezium's default masking pattern hides connection strings too.
const SECRET_WORDS = /password|passwd|secret|jaas|token|credential|user\.info|api\.?key|keystore\.key|private|connection\.?string/i;

export function looksSecret(propertyName: string): boolean {
  return SECRET_WORDS.test(propertyName);
}

export function redactRecord(
  raw: Readonly<Record<string, unknown>>,
  isSecret: (key: string) => boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    out[key] = isSecret(key) && value !== null && value !== undefined ? HIDDEN_VALUE : value;
  }
  return out;
}
