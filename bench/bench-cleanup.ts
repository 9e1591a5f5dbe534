/**
 * Leaving nothing behind: the bench's cleanup steps run last-in first-out,
 * once, each bounded, on success, failure and Ctrl-C alike. Dropping the
 * database needs its slots gone first, and a slot is only droppable once no
 * walsender holds it, so a walsender still attached is terminated.
 */
import pg from 'pg';
import { kafkaFor } from '../test/helpers/kafka-reader.ts';
import type { StackEnv } from '../test/helpers/stack-env.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Cleanup steps, run last-in first-out, once, each bounded. */
export class Cleanup {
  private readonly steps: { what: string; run: () => Promise<unknown> }[] = [];
  private done: Promise<void> | null = null;

  constructor(private readonly log: (line: string) => void) {}

  add(what: string, run: () => Promise<unknown>): void {
    this.steps.push({ what, run });
  }

  run(): Promise<void> {
    this.done ??= (async () => {
      for (const s of this.steps.reverse()) {
        try {
          await Promise.race([s.run(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 60 s')), 60_000).unref())]);
        } catch (err) {
          this.log(`cleanup: ${s.what} failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    })();
    return this.done;
  }
}

/** Drops the database's slots (ending any walsender still holding one) and the database. */
export async function dropBenchDatabase(env: StackEnv, database: string): Promise<void> {
  const admin = new pg.Client({ ...env.pg, database: 'postgres' });
  await admin.connect();
  try {
    for (let i = 0; i < 50; i++) {
      const slots = await admin.query<{ slot_name: string; active_pid: number | null }>('SELECT slot_name, active_pid FROM pg_replication_slots WHERE database = $1', [database]);
      if (slots.rows.length === 0) break;
      for (const s of slots.rows) {
        if (s.active_pid !== null) await admin.query('SELECT pg_terminate_backend($1)', [s.active_pid]);
        await admin.query('SELECT pg_drop_replication_slot($1)', [s.slot_name]).catch(() => undefined);
      }
      await sleep(200);
    }
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Deletes every topic whose name contains `runName`, and the registry subjects of `dataTopics` (permanently). */
export async function deleteTopicsAndSubjects(env: StackEnv, runName: string, dataTopics: readonly string[]): Promise<void> {
  const admin = kafkaFor(env).admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((t) => t.includes(runName));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
  // A soft delete, then the permanent one (the registry refuses a permanent delete of a live subject),
  // so that a run leaves no schema behind, not even one listed with ?deleted=true.
  const del = (url: string) => fetch(url, { method: 'DELETE', signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
  for (const t of dataTopics) {
    for (const suffix of ['key', 'value']) {
      const subject = `${env.registry}/subjects/${encodeURIComponent(`${t}-${suffix}`)}`;
      await del(subject);
      await del(`${subject}?permanent=true`);
    }
  }
}
