/**
 * Connector plugins, their config definitions and config validation (reference
 * section 9). {plugin} is a class name or an alias; only the herder knows the
 * aliases, so it also judges whether connector.class in a validate body matches
 * {plugin} (Connect's suffix rule would refuse aliases such as "postgresql").
 */
import type { Herder } from '../runtime/herder.ts';
import { configMapFrom } from './request-shapes.ts';
import { booleanParam, type Route } from './router.ts';

export function pluginRoutes(deps: { herder: Herder }): Route[] {
  const { herder } = deps;
  return [
    {
      method: 'GET', path: '/connector-plugins', doing: 'listing plugins',
      // Connect's default is connectorsOnly=true.
      handle: async (req) => ({ status: 200, body: await herder.plugins(booleanParam(req.query, 'connectorsOnly', true)) }),
    },
    {
      method: 'GET', path: '/connector-plugins/:plugin/config', doing: 'describing the plugin config',
      handle: async (req) => {
        // 4.1's ?version= (default "latest"): absent means the newest installed version.
        const version = req.query.get('version');
        const body = version !== null && version !== '' && version !== 'latest'
          ? await herder.pluginConfig(req.params['plugin']!, version)
          : await herder.pluginConfig(req.params['plugin']!);
        return { status: 200, body };
      },
    },
    {
      method: 'PUT', path: '/connector-plugins/:plugin/config/validate', doing: 'validating the config',
      handle: async (req) => {
        const config = configMapFrom(await req.body(), 'request body');
        // Always 200 when validation ran, even with errors: the errors are in the body.
        return { status: 200, body: await herder.validateConfig(req.params['plugin']!, config) };
      },
    },
  ];
}
