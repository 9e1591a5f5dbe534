/**
 * What GET /health/ready and GET /health/live answer, from a plain view of the worker
 * (pure, so the rules are tested without Kafka). Ready means data would flow: start-up
 * finished and every task assigned here is RUNNING and committing or confirmed idle
 * (task-readiness.ts). A connector a user PAUSED or STOPPED is not counted: the worker
 * does what it was told, and a readiness probe that failed on a pause would take the
 * pod out of its Service (and a liveness probe built on it would restart it) for an
 * operator's deliberate action. Its status says PAUSED; alerts watch that.
 */
import type { Liveness, NotReadyTask, Readiness } from './herder.ts';

export interface ConnectorView {
  readonly name: string;
  readonly target: 'STARTED' | 'PAUSED' | 'STOPPED';
  /** the task running on this worker: its state and why it is not ready (null = ready) */
  readonly task: { readonly id: number; readonly state: string; readonly notReady: string | null } | null;
  /** what the worker decided when no task runs (e.g. FAILED: the config does not load) */
  readonly decided: { readonly state: string; readonly reason: string | null } | null;
}

export interface WorkerView {
  readonly started: boolean;
  readonly stopping: boolean;
  /** false while a distributed worker's view of its group is not current (rejoining) */
  readonly membershipCurrent: boolean;
  /** the connectors this worker owns */
  readonly connectors: readonly ConnectorView[];
}

export function workerReadiness(v: WorkerView): Readiness {
  if (v.stopping) return { status: 'stopping', message: 'Worker is shutting down.', tasks: [] };
  if (!v.started) return { status: 'starting', message: 'Worker is still starting up: reading its internal topics and the config file.', tasks: [] };
  if (!v.membershipCurrent) return { status: 'not_ready', message: 'Worker is rejoining its group; it runs nothing until its assignment is current.', tasks: [] };
  const tasks: NotReadyTask[] = [];
  let counted = 0;
  for (const c of v.connectors) {
    if (c.target !== 'STARTED') continue;
    counted++;
    if (c.task) {
      if (c.task.notReady !== null) tasks.push({ connector: c.name, task: c.task.id, state: c.task.state, reason: c.task.notReady });
    } else if (c.decided) {
      tasks.push({ connector: c.name, task: null, state: c.decided.state, reason: `connector is ${c.decided.state}${c.decided.reason ? `: ${c.decided.reason.split('\n', 1)[0]}` : ''}` });
    } else {
      tasks.push({ connector: c.name, task: null, state: 'UNASSIGNED', reason: 'assigned to this worker but not started yet' });
    }
  }
  if (tasks.length > 0) {
    return { status: 'not_ready', message: `${tasks.length} of ${counted} connector task(s) assigned to this worker are not ready.`, tasks };
  }
  return { status: 'ready', message: `Worker has completed startup; all ${counted} task(s) assigned to it are running and committing or confirmed idle (paused and stopped connectors are not counted).`, tasks: [] };
}

/**
 * Liveness looks at the worker itself only. A connector's start or stop may wait on its
 * database; restarting the process would not bring a database back, so a slow connector
 * action never makes the worker "dead" (readiness reports it instead).
 */
export interface LiveView {
  readonly stopping: boolean;
  /** ms since the worker's 1-second tick last ran (0 before the tick started) */
  readonly tickAgeMs: number;
}

/** The tick may lag this much (a loaded machine, a long GC) before the worker counts as stuck. */
export const TICK_STUCK_MS = 15_000;

export function workerLiveness(v: LiveView): Liveness {
  if (v.stopping) return { live: false, message: 'Worker is shutting down.' };
  if (v.tickAgeMs > TICK_STUCK_MS) {
    return { live: false, message: `Worker's event loop is stuck: its 1 s tick last ran ${Math.round(v.tickAgeMs / 1000)} s ago (bound ${TICK_STUCK_MS / 1000} s).` };
  }
  return { live: true, message: 'Worker is alive.' };
}
