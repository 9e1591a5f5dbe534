/**
 * One JSON log line per state change of a connector or task, with the same fields
 * wherever it is written (connector, task, state, position, reason), so a log search
 * for a connector's history is one query: the instance logs what its task does, the
 * herder logs what it decides (paused, stopped, restarting, a config that does not
 * load, deleted). `position` is the source offset the last commit made durable.
 */
import type { Logger } from '../log/logger.ts';
import type { JsonMap } from '../events/record.ts';

export interface StateChange {
  readonly connector: string;
  /** absent: the line is about the connector alone */
  readonly task?: number;
  readonly state: string;
  readonly reason?: string | null;
  readonly position?: readonly JsonMap[] | null;
}

/** At most this many scalar fields of an offset: enough to place it (lsn, file/pos, txId), never a blob. */
const POSITION_FIELDS = 8;

/**
 * The scalar fields of the committed offset(s), at most POSITION_FIELDS each; one offset
 * as an object, several as a list, none as undefined (unknown, e.g. before the first commit).
 */
export function positionSummary(offsets: readonly JsonMap[] | null | undefined): Record<string, unknown> | Record<string, unknown>[] | undefined {
  if (!offsets || offsets.length === 0) return undefined;
  const one = (o: JsonMap) => Object.fromEntries(Object.entries(o)
    .filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, POSITION_FIELDS));
  return offsets.length === 1 ? one(offsets[0]!) : offsets.map(one);
}

/** Writes the line; `log` may already carry the connector binding (it is then not repeated). */
export function logStateChange(log: Logger, change: StateChange, bound: { connector: boolean }): void {
  const position = positionSummary(change.position);
  const reason = change.reason ? change.reason.split('\n', 1)[0] : undefined;
  const line = {
    ...(bound.connector ? {} : { connector: change.connector }),
    ...(change.task !== undefined ? { task: change.task } : {}),
    state: change.state,
    ...(position !== undefined ? { position } : {}),
    ...(reason ? { reason } : {}),
  };
  const msg = change.task !== undefined ? `task ${change.connector}-${change.task} is ${change.state}` : `connector ${change.connector} is ${change.state}`;
  if (change.state === 'FAILED') log.error(line, msg);
  else if (change.state === 'STALLED' || change.state === 'RESTARTING') log.warn(line, msg);
  else log.info(line, msg);
}
