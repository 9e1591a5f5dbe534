/**
 * A throwaway database per test, so slots, publications and tables of one
 * test never meet another's. drop() removes the slot and the database.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { StackEnv } from './stack-env.ts';

export class PgFixture {
  private constructor(readonly env: StackEnv, readonly database: string, readonly client: pg.Client) {}

  static async create(env: StackEnv, prefix = 't'): Promise<PgFixture> {
    const database = `${prefix}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ ...env.pg, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${database}`);
    } finally {
      await admin.end();
    }
    const client = new pg.Client({ ...env.pg, database });
    await client.connect();
    return new PgFixture(env, database, client);
  }

  query(text: string, values?: unknown[]): Promise<pg.QueryResult> {
    return this.client.query(text, values);
  }

  async slot(name: string): Promise<{ confirmedFlush: bigint; active: boolean } | null> {
    const r = await this.client.query(`SELECT confirmed_flush_lsn::text AS cf, active::text AS active FROM pg_replication_slots WHERE slot_name = $1`, [name]);
    const row = r.rows[0] as { cf: string; active: string } | undefined;
    if (!row) return null;
    const [hi, lo] = row.cf.split('/');
    return { confirmedFlush: (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`), active: row.active === 'true' };
  }

  /**
   * Polls the slot until `ok(state)` holds (state null: no such slot) and returns
   * the last state seen, also when `timeoutMs` passed first: the caller asserts on
   * it, so a timeout fails with the caller's message. The limit is generous, as
   * the walsender lets go of a slot a moment after the client left, later on a
   * loaded machine.
   */
  async waitForSlot(name: string, ok: (state: { confirmedFlush: bigint; active: boolean } | null) => boolean, timeoutMs = 60_000): Promise<{ confirmedFlush: bigint; active: boolean } | null> {
    const t0 = Date.now();
    for (;;) {
      const s = await this.slot(name);
      if (ok(s) || Date.now() - t0 > timeoutMs) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async drop(): Promise<void> {
    await this.client.end().catch(() => undefined);
    const admin = new pg.Client({ ...this.env.pg, database: 'postgres' });
    await admin.connect();
    try {
      for (let i = 0; i < 50; i++) {
        const slots = await admin.query(`SELECT slot_name, active::text AS active FROM pg_replication_slots WHERE database = $1`, [this.database]);
        if (slots.rows.every((s: { active: string }) => s.active !== 'true')) {
          for (const s of slots.rows as { slot_name: string }[]) await admin.query('SELECT pg_drop_replication_slot($1)', [s.slot_name]);
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      await admin.query(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
}
