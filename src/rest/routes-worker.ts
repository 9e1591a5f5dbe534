/**
 * GET / and GET /health. Health answers with its own body shape (status +
 * message), never the error shape, because probes read the status field; and it
 * waits at most 10 s (Connect's health timeout), well inside a probe's deadline.
 */
import type { Herder } from '../runtime/herder.ts';
import type { Route } from './router.ts';

export const HEALTH_TIMEOUT_MS = 10_000;

const HEALTH_STATUS = { healthy: 200, starting: 503, unhealthy: 500 } as const;

const UNHEALTHY = 'Worker was unable to handle this request and may be unable to handle other requests.';

export function workerRoutes(deps: { herder: Herder; healthTimeoutMs: number }): Route[] {
  const { herder } = deps;
  return [
    {
      method: 'GET', path: '/', doing: 'reading the server info',
      handle: async () => ({ status: 200, body: await herder.serverInfo() }),
    },
    {
      method: 'GET', path: '/health', doing: 'checking health', public: true,
      handle: async () => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the herder did not answer within ${deps.healthTimeoutMs} ms`)), deps.healthTimeoutMs);
        });
        try {
          const health = await Promise.race([herder.health(), timeout]);
          return { status: HEALTH_STATUS[health.status] ?? 500, body: health };
        } catch (err) {
          const cause = err instanceof Error ? err.message : String(err);
          return { status: 500, body: { status: 'unhealthy', message: `${UNHEALTHY} ${cause}` } };
        } finally {
          clearTimeout(timer);
        }
      },
    },
  ];
}
