/**
 * Which connector names the REST API accepts when creating a connector.
 * Kafka Connect refuses empty names and ISO control characters
 * (NonEmptyStringWithoutControlChars) and, on POST, a '/'. We also refuse '\',
 * the names "." and ".." (HTTP clients rewrite /connectors/.. before sending it),
 * leading or trailing whitespace (invisible in every listing), and names longer
 * than 249 characters (Kafka's topic name limit: names end up in transactional
 * ids, group ids and metric labels, and a shorter name fits all of them).
 * Only create/replace checks the rule: a connector that already exists under
 * another rule (created by Kafka Connect on a shared config topic) stays reachable.
 */
import { RestError } from './rest-error.ts';

export const MAX_CONNECTOR_NAME_LENGTH = 249;

export const CONNECTOR_NAME_RULE =
  `Connector names are 1 to ${MAX_CONNECTOR_NAME_LENGTH} characters without control characters, '/' or '\\', ` +
  'do not start or end with whitespace, and are not "." or ".."';

// Java's Character.isISOControl, which Connect's validator uses.
const ISO_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why `name` is refused, or null when it is fine. */
export function connectorNameProblem(name: string): string | null {
  if (name === '') return 'it is empty';
  if ([...name].length > MAX_CONNECTOR_NAME_LENGTH) return `it is longer than ${MAX_CONNECTOR_NAME_LENGTH} characters`;
  if (ISO_CONTROL.test(name)) return 'it contains a control character';
  if (name.includes('/') || name.includes('\\')) return "it contains '/' or '\\'";
  if (name !== name.trim()) return 'it starts or ends with whitespace';
  if (name === '.' || name === '..') return 'it is "." or ".."';
  return null;
}

/** Returns the name, or throws 400 naming the rule. */
export function checkConnectorName(name: string): string {
  const problem = connectorNameProblem(name);
  if (problem === null) return name;
  const shown = name.length > 60 ? `${JSON.stringify(name.slice(0, 60))}...` : JSON.stringify(name);
  throw new RestError(400, `Connector name ${shown} is not allowed: ${problem}. ${CONNECTOR_NAME_RULE}`);
}
