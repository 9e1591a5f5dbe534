/**
 * This daemon's REST extension (not in Kafka Connect): POST /connectors/{name}/signals sends
 * a Debezium signal {"id"?, "type", "data"} to a connector, for users who may not write to
 * the database's signal table or to the signal topic. The herder validates the signal and
 * writes it to the connector's signal topic, which the task reads (channel `rest`).
 * 202 with the signal id (generated when absent): accepted and durable in Kafka, acted on
 * when the task reads it (within signal.poll.interval.ms while it runs).
 */
import type { Herder } from '../runtime/herder.ts';
import { RestError } from './rest-error.ts';
import type { Route } from './router.ts';

export function signalRoutes(deps: { herder: Herder }): Route[] {
  const { herder } = deps;
  return [
    {
      method: 'POST', path: '/connectors/:name/signals', doing: 'sending the signal',
      handle: async (req) => {
        const body = await req.body();
        if (typeof body !== 'object' || body === null || Array.isArray(body)) {
          throw new RestError(400, 'The request body must be a JSON object {"id": "<optional>", "type": "<signal type>", "data": {...}}');
        }
        const b = body as Record<string, unknown>;
        if (b['id'] !== undefined && b['id'] !== null && typeof b['id'] !== 'string') throw new RestError(400, 'Signal id must be a string (or left out to have one generated)');
        const id = typeof b['id'] === 'string' && b['id'] !== '' ? b['id'] : null;
        const answer = await herder.sendSignal(req.params['name']!, { id, type: b['type'], data: b['data'] ?? null });
        return { status: 202, body: answer };
      },
    },
  ];
}
