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
