/**
 * Connector offsets (KIP-875, reference section 7). The herder enforces the
 * STOPPED precondition and words the success message (it knows whether the
 * connector also keeps offsets elsewhere); this layer checks the body shape.
 */
import type { Herder } from '../runtime/herder.ts';
import { offsetsFrom } from './request-shapes.ts';
import type { Route } from './router.ts';

export function offsetRoutes(deps: { herder: Herder }): Route[] {
  const { herder } = deps;
  return [
    {
      method: 'GET', path: '/connectors/:name/offsets', doing: 'reading the connector offsets',
      handle: async (req) => ({ status: 200, body: await herder.connectorOffsets(req.params['name']!) }),
    },
    {
      method: 'PATCH', path: '/connectors/:name/offsets', doing: 'altering the connector offsets',
      handle: async (req) => {
        const offsets = offsetsFrom(await req.body());
        return { status: 200, body: { message: await herder.alterConnectorOffsets(req.params['name']!, offsets) } };
      },
    },
    {
      method: 'DELETE', path: '/connectors/:name/offsets', doing: 'resetting the connector offsets',
      handle: async (req) => ({ status: 200, body: { message: await herder.resetConnectorOffsets(req.params['name']!) } }),
    },
  ];
}
