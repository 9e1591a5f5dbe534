/**
 * A SnapshotCommands double for signal tests: records every call, so a test pins what a
 * signal asked of the engine (src/snapshot/contracts.ts) without running one.
 */
import type { SnapshotCollection, SnapshotCommands, SnapshotKind } from '../../src/snapshot/contracts.ts';

export type Call =
  | ['execute', Exclude<SnapshotKind, 'initial'>, readonly SnapshotCollection[], string | null]
  | ['stop', Exclude<SnapshotKind, 'initial'>, readonly string[] | null]
  | ['pause'] | ['resume'];

export class RecordingSnapshotCommands implements SnapshotCommands {
  readonly calls: Call[] = [];
  /** When set, the next call throws it (an engine refusing). */
  failNext: Error | null = null;

  private enter(): void {
    const e = this.failNext;
    this.failNext = null;
    if (e) throw e;
  }

  execute(kind: Exclude<SnapshotKind, 'initial'>, collections: readonly SnapshotCollection[], correlationId: string | null): void {
    this.enter();
    this.calls.push(['execute', kind, collections, correlationId]);
  }
  stop(kind: Exclude<SnapshotKind, 'initial'>, ids: readonly string[] | null): void {
    this.enter();
    this.calls.push(['stop', kind, ids]);
  }
  pause(): void { this.enter(); this.calls.push(['pause']); }
  resume(): void { this.enter(); this.calls.push(['resume']); }
}
