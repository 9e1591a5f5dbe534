/**
 * Which connectors this worker runs. Standalone: all of them. Distributed:
 * the share the group coordinator gave this worker (group-membership.ts).
 * The contract lives here, below the runtime that asks it (src/runtime/worker.ts).
 */
export interface Membership {
  readonly workerId: string;
  start(): Promise<void>;
  /** true when this worker should run the connector now */
  owns(connector: string): boolean;
  /**
   * true while this worker's view of the cluster is known to be current (it heartbeated
   * within the session timeout). A worker that was frozen may have been replaced: it must
   * not start (and so fence) anything until it has rejoined.
   */
  current(): boolean;
  generation(): number;
  /** current members' worker ids; null when this is not a cluster (standalone) */
  members(): readonly string[] | null;
  /** called whenever the assignment changed */
  onChange(cb: () => void): void;
  stop(): Promise<void>;
}

export class StandaloneMembership implements Membership {
  constructor(readonly workerId: string) {}
  async start(): Promise<void> {}
  owns(): boolean { return true; }
  current(): boolean { return true; }
  generation(): number { return 0; }
  members(): null { return null; }
  onChange(): void {}
  async stop(): Promise<void> {}
}
