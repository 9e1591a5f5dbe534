/**
 * Restart, pause, resume and stop (reference section 6). Status codes are
 * Connect's: a plain restart is 204; with includeTasks or onlyFailed the
 * restart is a plan, answered 202 with the instances marked RESTARTING;
 * pause/resume are 202 with no body (applied asynchronously); stop is 204.
 */
import type { Herder } from '../runtime/herder.ts';
import { booleanParam, taskIdParam, type Route } from './router.ts';

export function lifecycleRoutes(deps: { herder: Herder }): Route[] {
  const { herder } = deps;
  return [
    {
      method: 'POST', path: '/connectors/:name/restart', doing: 'restarting the connector',
      handle: async (req) => {
        const includeTasks = booleanParam(req.query, 'includeTasks', false);
        const onlyFailed = booleanParam(req.query, 'onlyFailed', false);
        const plan = await herder.restartConnector(req.params['name']!, { includeTasks, onlyFailed });
        // Connect decides by the parameters, not by the answer: both false is the legacy 204.
        if (!includeTasks && !onlyFailed) return { status: 204 };
        return plan === null ? { status: 202 } : { status: 202, body: plan };
      },
    },
    {
      method: 'POST', path: '/connectors/:name/tasks/:task/restart', doing: 'restarting the task',
      handle: async (req) => {
        const name = req.params['name']!;
        await herder.restartTask(name, taskIdParam(name, req.params['task']!));
        return { status: 204 };
      },
    },
    {
      method: 'PUT', path: '/connectors/:name/pause', doing: 'pausing the connector',
      handle: async (req) => {
        await herder.pauseConnector(req.params['name']!);
        return { status: 202 };
      },
    },
    {
      method: 'PUT', path: '/connectors/:name/resume', doing: 'resuming the connector',
      handle: async (req) => {
        await herder.resumeConnector(req.params['name']!);
        return { status: 202 };
      },
    },
    {
      method: 'PUT', path: '/connectors/:name/stop', doing: 'stopping the connector',
      handle: async (req) => {
        await herder.stopConnector(req.params['name']!);
        return { status: 204 };
      },
    },
  ];
}
