/**
 * Builds GET /connectors/{name}/status from what this worker knows, so the
 * answer needs nothing from Kafka or the database at the moment it is asked
 * (DESIGN.md invariant 6: status never lies, and an outage is when it matters).
 * For a connector this worker owns, its own view wins: the running instance's
 * state, or what the herder decided (PAUSED, STOPPED, RESTARTING, a config that
 * failed) — the status topic may not have it yet when Kafka is away. For the
 * others, the status topic as last read; a state written by a worker that left
 * the cluster is UNASSIGNED, not the truth any more.
 */
import type { StatusValue } from '../cluster/status-store.ts';
import type { ConnectorStateInfo, StateInfo, TaskStateInfo } from './herder.ts';
import type { TargetState } from '../cluster/config-store.ts';

export interface OwnStatus {
  readonly connector: StatusValue;
  /** undefined: the worker knows nothing about the tasks beyond the status topic */
  readonly tasks?: ReadonlyMap<number, StatusValue>;
}

export interface StatusSources {
  readonly name: string;
  readonly own: OwnStatus | null;
  readonly topic: { readonly connector: StatusValue | undefined; readonly tasks: ReadonlyMap<number, StatusValue> };
  /** current members' worker ids; null when standalone */
  readonly members: readonly string[] | null;
  readonly workerId: string;
  readonly target: TargetState | undefined;
  readonly type: ConnectorStateInfo['type'];
}

/** null when nothing at all is known about the connector (404). */
export function connectorStatusAnswer(s: StatusSources): ConnectorStateInfo | null {
  const orphan = (w: string) => s.members !== null && !s.members.includes(w);
  const fromTopic = (v: StatusValue): StatusValue => (orphan(v.worker_id)
    ? { ...v, state: 'UNASSIGNED', trace: null, reason: `worker ${v.worker_id} left the cluster; waiting for another worker to take over` }
    : v);
  // No config, no connector: a deleted connector's states stay in the status topic
  // until its tombstones are written and read back, while GET /connectors already
  // leaves it out. Both answers come from the config topic, so they agree.
  if (s.target === undefined) return null;
  const connector = s.own?.connector ?? (s.topic.connector ? fromTopic(s.topic.connector) : undefined);
  const taskMap = s.own?.tasks ?? new Map([...s.topic.tasks].map(([id, v]) => [id, fromTopic(v)] as const));
  const tasks = [...taskMap].sort(([a], [b]) => a - b).map(([id, t]) => ({ id, ...stateInfo(t) }) as TaskStateInfo);
  return {
    name: s.name,
    connector: connector ? stateInfo(connector) : { state: 'UNASSIGNED', worker_id: s.workerId },
    tasks: s.target === 'STOPPED' ? [] : tasks,
    type: s.type,
  };
}

/** Connect's state object, plus reason and since when there is something to say. */
export function stateInfo(s: StatusValue): StateInfo {
  return {
    state: s.state, worker_id: s.worker_id,
    ...(s.trace ? { trace: s.trace } : {}),
    ...(s.version ? { version: s.version } : {}),
    ...(s.reason ? { reason: s.reason } : {}),
    ...(s.since ? { since: s.since } : {}),
  };
}
