/**
 * Connector CRUD, status, task configs and active topics (reference sections 4, 5
 * and 8). Names in the URL reach the herder as decoded; only create/replace
 * applies the name rule (connector-name.ts).
 * Configs come back redacted by the herder. A client that GETs a config, edits it
 * and PUTs it back sends "[hidden]" (HIDDEN_VALUE) for every secret; the herder
 * reads that value as "keep the stored one", so this layer passes it on unchanged.
 */
import type { Logger } from '../log/logger.ts';
import { HerderError, type ConnectorInfo, type ConnectorStateInfo, type Herder } from '../runtime/herder.ts';
import { checkConnectorName } from './connector-name.ts';
import { configPatchFrom, createRequestFrom, putConfigFrom, withConfigName } from './request-shapes.ts';
import { expandParam, taskIdParam, type Route } from './router.ts';

/**
 * Connect builds Location from the request's base URI (absolute) with UriBuilder.path(name),
 * which percent-encodes the name.
 */
export function connectorLocation(baseUrl: string, name: string): string {
  return `${baseUrl}/connectors/${encodeURIComponent(name)}`;
}

export function connectorRoutes(deps: { herder: Herder; log: Logger }): Route[] {
  const { herder, log } = deps;
  return [
    {
      method: 'GET', path: '/connectors', doing: 'listing connectors',
      handle: async (req) => {
        const expand = expandParam(req.query);
        const names = await herder.connectors();
        if (!expand.present) return { status: 200, body: names };
        for (const v of req.query.getAll('expand')) if (v !== 'status' && v !== 'info') log.info({ expand: v }, 'ignoring unknown expansion type');
        const entries = await Promise.all(names.map((name) => expandOne(herder, name, expand)));
        return { status: 200, body: Object.fromEntries(entries.filter((e): e is [string, Expanded] => e !== null)) };
      },
    },
    {
      method: 'POST', path: '/connectors', doing: 'creating the connector',
      handle: async (req) => {
        const create = createRequestFrom(await req.body());
        const opts = { allowReplace: false, ...(create.initialState ? { initialState: create.initialState } : {}) };
        const { info } = await herder.putConnectorConfig(create.name, create.config, opts);
        return { status: 201, headers: { location: connectorLocation(req.baseUrl, create.name) }, body: info };
      },
    },
    {
      method: 'GET', path: '/connectors/:name', doing: 'reading the connector',
      handle: async (req) => ({ status: 200, body: await herder.connectorInfo(req.params['name']!) }),
    },
    {
      method: 'DELETE', path: '/connectors/:name', doing: 'deleting the connector',
      handle: async (req) => {
        await herder.deleteConnector(req.params['name']!);
        return { status: 204 };
      },
    },
    {
      method: 'GET', path: '/connectors/:name/config', doing: 'reading the connector config',
      handle: async (req) => ({ status: 200, body: await herder.connectorConfig(req.params['name']!) }),
    },
    {
      method: 'PUT', path: '/connectors/:name/config', doing: 'writing the connector config',
      handle: async (req) => {
        const name = checkConnectorName(req.params['name']!);
        const config = withConfigName(name, putConfigFrom(await req.body()));
        const { created, info } = await herder.putConnectorConfig(name, config, { allowReplace: true });
        return created ? { status: 201, headers: { location: connectorLocation(req.baseUrl, name) }, body: info } : { status: 200, body: info };
      },
    },
    {
      method: 'PATCH', path: '/connectors/:name/config', doing: 'patching the connector config',
      handle: async (req) => {
        const name = req.params['name']!;
        return { status: 200, body: await herder.patchConnectorConfig(name, configPatchFrom(name, await req.body())) };
      },
    },
    {
      method: 'GET', path: '/connectors/:name/status', doing: 'reading the connector status',
      handle: async (req) => ({ status: 200, body: await herder.connectorStatus(req.params['name']!) }),
    },
    {
      method: 'GET', path: '/connectors/:name/tasks', doing: 'reading the task configs',
      handle: async (req) => ({ status: 200, body: await herder.taskConfigs(req.params['name']!) }),
    },
    {
      method: 'GET', path: '/connectors/:name/tasks/:task/status', doing: 'reading the task status',
      handle: async (req) => {
        const name = req.params['name']!;
        return { status: 200, body: await herder.taskStatus(name, taskIdParam(name, req.params['task']!)) };
      },
    },
    {
      method: 'GET', path: '/connectors/:name/topics', doing: 'reading the active topics',
      handle: async (req) => {
        const name = req.params['name']!;
        // Connect serializes ActiveTopicsInfo with only its "topics" property.
        return { status: 200, body: { [name]: { topics: await herder.connectorTopics(name) } } };
      },
    },
    {
      method: 'PUT', path: '/connectors/:name/topics/reset', doing: 'resetting the active topics',
      handle: async (req) => {
        await herder.resetConnectorTopics(req.params['name']!);
        return { status: 202 };
      },
    },
  ];
}

interface Expanded { status?: ConnectorStateInfo; info?: ConnectorInfo }

/** One connector's expansions, or null when it disappeared during the listing (Connect omits it). */
async function expandOne(herder: Herder, name: string, expand: { status: boolean; info: boolean }): Promise<[string, Expanded] | null> {
  try {
    const [status, info] = await Promise.all([
      expand.status ? herder.connectorStatus(name) : undefined,
      expand.info ? herder.connectorInfo(name) : undefined,
    ]);
    return [name, { ...(status ? { status } : {}), ...(info ? { info } : {}) }];
  } catch (err) {
    if (err instanceof HerderError && err.status === 404) return null;
    throw err;
  }
}
