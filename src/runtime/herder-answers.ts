/**
 * How the herder words its answers where Kafka Connect 4.1 has a rule that is
 * easy to get subtly wrong: the 202 body of a restart plan, task configs as
 * GET /connectors/{name}/tasks shows them, and the offsets-change message.
 * Pure functions, so the rules are pinned by unit tests without Kafka.
 */
import type { ConnectorStateInfo, RestartRequest } from './herder.ts';

/**
 * Connect's restart plan: the connector restarts unless onlyFailed and it is not
 * FAILED; a task restarts when includeTasks and (not onlyFailed, or it FAILED).
 * Every instance that will restart shows RESTARTING in the 202 answer.
 */
export function restartPlan(before: ConnectorStateInfo, req: RestartRequest): ConnectorStateInfo {
  const restartConnector = !req.onlyFailed || before.connector.state === 'FAILED';
  return {
    ...before,
    connector: restartConnector ? { ...withoutDetail(before.connector), state: 'RESTARTING' } : before.connector,
    tasks: before.tasks.map((t) => (req.includeTasks && (!req.onlyFailed || t.state === 'FAILED') ? { ...withoutDetail(t), state: 'RESTARTING' } : t)),
  };
}

/** A restarting instance's old trace and reason describe the state it leaves. */
function withoutDetail<T extends { trace?: string; reason?: string; since?: number }>(s: T): T {
  const { trace: _t, reason: _r, since: _s, ...rest } = s;
  return rest as T;
}

/**
 * Task configs as Connect stores them: what the connector's taskConfigs() gave
 * (for Debezium, its own connector config), with config-provider placeholders
 * put back where the stored connector config had them (AbstractHerder's
 * reverseTransform), plus task.class. Keys the worker only added while parsing
 * (converter and other worker defaults) are not the connector's and are left out.
 */
export function connectTaskConfigs(args: {
  /** the connector config as stored (placeholders unresolved) */
  readonly stored: Readonly<Record<string, string>>;
  /** what the plugin handed out, built from the parsed config */
  readonly fromPlugin: readonly Readonly<Record<string, string>>[];
  /** the parsed config's raw values: stored config resolved plus worker defaults */
  readonly effective: Readonly<Record<string, string>>;
  readonly taskClass: string;
}): Record<string, string>[] {
  return args.fromPlugin.map((t) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(t)) {
      if (k in args.stored) out[k] = args.stored[k]!;
      else if (!(k in args.effective)) out[k] = v;
    }
    out['task.class'] = args.taskClass;
    return out;
  });
}

/**
 * Connect's answer to PATCH/DELETE .../offsets (Worker's completion callback):
 * the short form only when the connector's alterOffsets hook confirmed it
 * handled the change; otherwise the framework-managed form. Debezium's
 * connectors do not implement the hook, so users of them see the long form.
 */
export function offsetsChangedMessage(kind: 'altered' | 'reset', confirmedByConnector: boolean): string {
  if (confirmedByConnector) return `The offsets for this connector have been ${kind} successfully`;
  return `The Connect framework-managed offsets for this connector have been ${kind} successfully. ` +
    `However, if this connector manages offsets externally, they will need to be manually ${kind} in the system that the connector uses.`;
}
