/**
 * Task identity. A connector runs one task today (every plugin's taskConfigs answers one
 * config; Kafka Connect numbers tasks from 0), but nothing below the herder assumes it:
 * the supervisor, runner, metrics and status are told their task id, and the transactional
 * id that fences a task's predecessor (DESIGN.md invariant 3) is derived here only.
 */

/** The id of a connector's single task, until plugins run several (herder: taskConfigs). */
export const SINGLE_TASK_ID = 0;

/** Connect's rule, `${groupId}-${connector}-${task}`: one transactional id per connector task. */
export function taskTransactionalId(clusterId: string, connector: string, taskId: number): string {
  return `${clusterId}-${connector}-${taskId}`;
}
