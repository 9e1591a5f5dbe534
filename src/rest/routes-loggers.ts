/**
 * Log levels at run time (KIP-495, KIP-976; reference section 10). The herder
 * knows the level names and which loggers exist; this layer checks that a level
 * was sent and picks the scope (unknown scopes fall back to worker, as in Connect).
 */
import type { Logger } from '../log/logger.ts';
import type { Herder } from '../runtime/herder.ts';
import { loggerLevelFrom } from './request-shapes.ts';
import { scopeParam, type Route } from './router.ts';

export function loggerRoutes(deps: { herder: Herder; log: Logger }): Route[] {
  const { herder, log } = deps;
  return [
    {
      method: 'GET', path: '/admin/loggers', doing: 'listing loggers',
      handle: async () => ({ status: 200, body: await herder.loggers() }),
    },
    {
      method: 'GET', path: '/admin/loggers/:logger', doing: 'reading the logger level',
      handle: async (req) => ({ status: 200, body: await herder.logger(req.params['logger']!) }),
    },
    {
      method: 'PUT', path: '/admin/loggers/:logger', doing: 'setting the logger level',
      handle: async (req) => {
        const level = loggerLevelFrom(await req.body());
        const { scope, unknown } = scopeParam(req.query);
        if (unknown !== undefined) log.warn({ scope: unknown }, 'unknown logger scope; using worker');
        const affected = await herder.setLogger(req.params['logger']!, level, scope);
        if (scope === 'cluster') return { status: 204 };
        return { status: 200, body: [...affected].sort() };
      },
    },
  ];
}
