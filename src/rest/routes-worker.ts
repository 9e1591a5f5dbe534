/**
 * GET /, GET /health (Kafka Connect's, unchanged) and this daemon's probes for
 * containers and Kubernetes: GET /health/live (the process and its event loop
 * answer) and GET /health/ready (every task assigned here runs and commits or is
 * confirmed idle). Health answers with its own body shape (status + message),
 * never the error shape, because probes read the status field; and it waits at
 * most 10 s (Connect's health timeout), well inside a probe's deadline.
 */
import type { Herder } from '../runtime/herder.ts';
import type { Route } from './router.ts';

export const HEALTH_TIMEOUT_MS = 10_000;

const HEALTH_STATUS = { healthy: 200, starting: 503, unhealthy: 500 } as const;

const UNHEALTHY = 'Worker was unable to handle this request and may be unable to handle other requests.';

/** The herder's answer, or the error after the health timeout (the caller answers in the probe's shape). */
async function withinHealthTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the herder did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function workerRoutes(deps: { herder: Herder; healthTimeoutMs: number }): Route[] {
  const { herder } = deps;
  return [
    {
      method: 'GET', path: '/health/live', doing: 'checking liveness', public: true,
      handle: async () => {
        try {
          const l = await withinHealthTimeout(herder.liveness(), deps.healthTimeoutMs);
          return { status: l.live ? 200 : 503, body: { status: l.live ? 'live' : 'not_live', message: l.message } };
        } catch (err) {
          return { status: 503, body: { status: 'not_live', message: err instanceof Error ? err.message : String(err) } };
        }
      },
    },
    {
      method: 'GET', path: '/health/ready', doing: 'checking readiness', public: true,
      handle: async () => {
        try {
          const r = await withinHealthTimeout(herder.readiness(), deps.healthTimeoutMs);
          return { status: r.status === 'ready' ? 200 : 503, body: r };
        } catch (err) {
          return { status: 503, body: { status: 'not_ready', message: err instanceof Error ? err.message : String(err), tasks: [] } };
        }
      },
    },
    {
      method: 'GET', path: '/', doing: 'reading the server info',
      handle: async () => ({ status: 200, body: await herder.serverInfo() }),
    },
    {
      method: 'GET', path: '/health', doing: 'checking health', public: true,
      handle: async () => {
        try {
          const health = await withinHealthTimeout(herder.health(), deps.healthTimeoutMs);
          return { status: HEALTH_STATUS[health.status] ?? 500, body: health };
        } catch (err) {
          const cause = err instanceof Error ? err.message : String(err);
          return { status: 500, body: { status: 'unhealthy', message: `${UNHEALTHY} ${cause}` } };
        }
      },
    },
  ];
}
