/**
 * A task whose module is loaded when it starts, so a plugin's driver is loaded only by a worker
 * that runs one of its tasks: mysql2 alone is ~25 MiB of RSS, which every PostgreSQL-only
 * daemon paid at start-up while the MySQL plugin was registered with its task class imported.
 */
import type { JsonMap, SourceUnit } from '../events/record.ts';
import type { SourceTask, SourceTaskContext } from './source-task.ts';

export class LazySourceTask implements SourceTask {
  private task: SourceTask | null = null;

  constructor(private readonly load: () => Promise<SourceTask>) {}

  async start(ctx: SourceTaskContext): Promise<void> {
    this.task ??= await this.load();
    await this.task.start(ctx);
  }

  poll(maxWaitMs: number): Promise<SourceUnit[]> {
    return this.started().poll(maxWaitMs);
  }

  committed(partition: JsonMap, offset: JsonMap): void {
    this.started().committed(partition, offset);
  }

  health(): { stalled: string | null; catchingUp?: string | null } {
    return this.task?.health?.() ?? { stalled: null };
  }

  finished(): boolean {
    return this.task?.finished() ?? false;
  }

  async stop(): Promise<void> {
    await this.task?.stop();
  }

  private started(): SourceTask {
    if (this.task === null) throw new Error('the task was used before start() loaded it');
    return this.task;
  }
}
