/**
 * The source signal channel's MySQL/MariaDB part: the signal table named by
 * signal.data.collection (database.table, Debezium's layout: columns id, type, data) and
 * recognising its inserts in the binlog. Acting on a signal is database-agnostic
 * (src/snapshot/signals/signal-hub.ts: SignalHub.fromSource, called in binlog order).
 * migrations/mysql/002_signal_table.sql creates one.
 */
import { ConfigError } from '../../src/errors/cdc-error.ts';
import type { RawSignal } from '../../src/snapshot/signals/signal.ts';

export class MySqlSignalTable {
  private constructor(private readonly ids: ReadonlySet<string>) {}

  static fromConfig(collections: readonly string[], where: string): MySqlSignalTable {
    for (const c of collections) {
      const parts = c.split('.');
      if (parts.length !== 2 || !parts.every(Boolean)) {
        throw new ConfigError({
          code: 'CDC_CONFIG_INVALID',
          what: `signal.data.collection "${c}" is not database.table`,
          where: `${where}, property signal.data.collection`,
          fix: 'set signal.data.collection to the signal table as <database>.<table> (migrations/mysql/002_signal_table.sql creates one)',
        });
      }
    }
    return new MySqlSignalTable(new Set(collections));
  }

  get enabled(): boolean { return this.ids.size > 0; }

  has(db: string, table: string): boolean {
    return this.ids.has(`${db}.${table}`);
  }

  /** The signal of an inserted row of a signal table. */
  static signalOf(row: Readonly<Record<string, unknown>>): RawSignal {
    return { id: row['id'] ?? null, type: row['type'] ?? null, data: row['data'] ?? null };
  }
}
