/**
 * Checks the JSON bodies of the REST API and turns them into the herder's types.
 * Kafka Connect binds bodies to Map<String, String> with Jackson, which turns JSON
 * numbers and booleans into their text ("tasks.max": 1 -> "1"); we do the same and
 * refuse what Jackson would refuse (objects, arrays) with a message naming the
 * property and the fix. Values are never quoted in messages: they may be secrets.
 */
import type { ConnectorConfig, ConnectorOffset, ConnectorOffsets, InitialState } from '../runtime/herder.ts';
import { checkConnectorName } from './connector-name.ts';
import { RestError } from './rest-error.ts';

const INITIAL_STATES: readonly InitialState[] = ['RUNNING', 'PAUSED', 'STOPPED'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const bad = (message: string): RestError => new RestError(400, message);

/** A config value as Connect stores it, or undefined for JSON null. */
function scalarText(value: unknown, where: string): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null) return undefined;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    // JSON.parse already rounded integers past 2^53; storing the rounded number would change the config silently.
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) throw bad(`${where} is a number too large to keep exactly: write it as a JSON string`);
    return String(value);
  }
  throw bad(`${where} must be a string, number or boolean, not ${kindOf(value)}: connector configs are flat maps of strings (write a list as "a,b,c")`);
}

/** A flat config map; `what` names the body part in messages ("config", "request body"). */
export function configMapFrom(value: unknown, what: string): ConnectorConfig {
  if (!isObject(value)) throw bad(`${what} must be a JSON object of connector properties, e.g. {"connector.class": "io.debezium.connector.postgresql.PostgresConnector", "topic.prefix": "shop"}, not ${kindOf(value)}`);
  const entries: [string, string][] = [];
  for (const [key, raw] of Object.entries(value)) {
    const text = scalarText(raw, `Property '${key}' in ${what}`);
    if (text === undefined) throw bad(`Property '${key}' in ${what} is null: give it a value, or leave it out (PATCH /connectors/{name}/config with null removes a property)`);
    entries.push([key, text]);
  }
  // fromEntries defines own properties, so a "__proto__" key stays data.
  return Object.fromEntries(entries);
}

/** PUT /connectors/{name}/config: the flat map itself, not POST's {name, config} wrapper. */
export function putConfigFrom(body: unknown): ConnectorConfig {
  if (isObject(body) && isObject(body['config'])) {
    throw bad("PUT /connectors/{name}/config takes the flat config map as its body, not {\"name\": ..., \"config\": {...}}: send only the object under 'config'");
  }
  return configMapFrom(body, 'request body');
}

/**
 * Connect's rule for `name` inside a config: it must equal the connector's name
 * (message text as Connect's), and is filled in when absent.
 */
export function withConfigName(name: string, config: ConnectorConfig): ConnectorConfig {
  const included = config['name'];
  if (included === undefined) return { ...config, name };
  if (included !== name) throw bad(`Connector name configuration (${included}) doesn't match connector name in the URL (${name})`);
  return config;
}

export interface CreateRequest {
  readonly name: string;
  readonly config: ConnectorConfig;
  readonly initialState?: InitialState;
}

/** POST /connectors: {"name", "config", "initial_state"?}; the name is trimmed as Connect does. */
export function createRequestFrom(body: unknown): CreateRequest {
  const example = 'e.g. {"name": "orders-cdc", "config": {"connector.class": "...", "topic.prefix": "shop"}}';
  if (!isObject(body)) throw bad(`Request body must be a JSON object with 'name' and 'config', ${example}`);
  if (typeof body['name'] !== 'string') {
    throw bad(`Field 'name' ${body['name'] === undefined ? 'is missing' : `must be a string, not ${kindOf(body['name'])}`}: name the connector, ${example}`);
  }
  const name = checkConnectorName(body['name'].trim());
  if (body['config'] === undefined) throw bad(`Field 'config' is missing: give the connector's properties, ${example}`);
  const config = withConfigName(name, configMapFrom(body['config'], "'config'"));
  const state = body['initial_state'];
  if (state === undefined || state === null) return { name, config };
  // Connect's InitialState.forValue upper-cases the value first.
  const initialState = typeof state === 'string' ? INITIAL_STATES.find((s) => s === state.toUpperCase()) : undefined;
  if (!initialState) throw bad(`Field 'initial_state' must be one of ${INITIAL_STATES.join(', ')}, not ${typeof state === 'string' ? JSON.stringify(state) : kindOf(state)}`);
  return { name, config, initialState };
}

/** PATCH /connectors/{name}/config: values are strings (or scalars) to set, null to remove. */
export function configPatchFrom(name: string, body: unknown): Record<string, string | null> {
  if (!isObject(body)) throw bad(`Request body must be a JSON object of properties to change, e.g. {"tasks.max": "2", "snapshot.mode": null} (null removes a property), not ${kindOf(body)}`);
  const entries = Object.entries(body).map(([key, raw]): [string, string | null] => [key, scalarText(raw, `Property '${key}' in request body`) ?? null]);
  const patch: Record<string, string | null> = Object.fromEntries(entries);
  const patchedName = patch['name'];
  if (typeof patchedName === 'string' && patchedName !== name) {
    throw bad(`Connector name configuration (${patchedName}) doesn't match connector name in the URL (${name})`);
  }
  return patch;
}

/** PATCH /connectors/{name}/offsets: {"offsets": [{"partition": {...}, "offset": {...} | null}, ...]}. */
export function offsetsFrom(body: unknown): ConnectorOffsets {
  const example = 'e.g. {"offsets": [{"partition": {"server": "shop"}, "offset": {"lsn": 37094192}}]}';
  if (!isObject(body)) throw bad(`Request body must be a JSON object with an 'offsets' array, ${example}`);
  const list = body['offsets'];
  if (list === undefined || list === null || (Array.isArray(list) && list.length === 0)) {
    // Connect's message, with the shape added.
    throw bad(`Partitions / offsets need to be provided for an alter offsets request: ${example}`);
  }
  if (!Array.isArray(list)) throw bad(`Field 'offsets' must be an array, not ${kindOf(list)}: ${example}`);
  const offsets = list.map((entry: unknown, i): ConnectorOffset => {
    const at = `offsets[${i}]`;
    if (!isObject(entry)) throw bad(`${at} must be an object with 'partition' and 'offset', not ${kindOf(entry)}`);
    const { partition, offset } = entry;
    if (!isObject(partition)) throw bad(`${at}.partition must be a JSON object (the source partition, e.g. {"server": "shop"}), not ${partition === undefined ? 'missing' : kindOf(partition)}`);
    if (offset === undefined) throw bad(`${at}.offset is missing: give the offset object, or null to remove this partition's offset`);
    if (offset !== null && !isObject(offset)) throw bad(`${at}.offset must be a JSON object or null (null removes this partition's offset), not ${kindOf(offset)}`);
    return { partition, offset };
  });
  return { offsets };
}

/** PUT /admin/loggers/{logger}: {"level": "DEBUG"}; the herder judges the level itself. */
export function loggerLevelFrom(body: unknown): string {
  const level = isObject(body) ? body['level'] : undefined;
  // Connect's message for a missing level.
  if (level === undefined || level === null) throw bad(`Desired 'level' parameter was not specified in request. Send e.g. {"level": "DEBUG"}`);
  if (typeof level !== 'string') throw bad(`Field 'level' must be a string such as "DEBUG", not ${kindOf(level)}`);
  return level;
}
