/**
 * The source channel's PostgreSQL part: which table is the signal table
 * (signal.data.collection, schema.table), making sure it is published (its inserts must
 * travel through the slot even when table.include.list leaves it out), and recognising its
 * inserts among the decoded changes. Acting on the signal is database-agnostic
 * (src/snapshot/signals/signal-hub.ts: SignalHub.fromSource, called in stream order).
 * Debezium's layout: columns id, type, data (text types); only inserts are signals.
 * migrations/postgres/004_signal_table.sql creates one.
 */
import type { Pgoutput } from 'pg-logical-replication';
import { ConfigError } from '../../src/errors/cdc-error.ts';
import type { RawSignal } from '../../src/snapshot/signals/signal.ts';

export interface SignalTableId { readonly schema: string; readonly name: string }

export class SignalTable {
  private constructor(readonly ids: readonly SignalTableId[]) {}

  /** From signal.data.collection: schema.table, or database.schema.table naming this database. */
  static fromConfig(collections: readonly string[], database: string, where: string): SignalTable {
    const ids = collections.map((c): SignalTableId => {
      const parts = c.split('.');
      if (parts.length === 2 && parts.every(Boolean)) return { schema: parts[0]!, name: parts[1]! };
      if (parts.length === 3 && parts[0] === database && parts[1] && parts[2]) return { schema: parts[1], name: parts[2] };
      throw new ConfigError({
        code: 'CDC_CONFIG_INVALID',
        what: `signal.data.collection "${c}" is not schema.table of database "${database}"`,
        where: `${where}, property signal.data.collection`,
        fix: 'set signal.data.collection to the signal table as <schema>.<table> (migrations/postgres/004_signal_table.sql creates one)',
      });
    });
    return new SignalTable(ids);
  }

  get enabled(): boolean { return this.ids.length > 0; }

  has(schema: string, name: string): boolean {
    return this.ids.some((t) => t.schema === schema && t.name === name);
  }

  /** The captured tables plus the signal tables, for the publication (each once). */
  publicationTables(captured: readonly (readonly [string, string])[]): [string, string][] {
    const out = captured.map(([s, n]) => [s, n] as [string, string]);
    for (const t of this.ids) if (!out.some(([s, n]) => s === t.schema && n === t.name)) out.push([t.schema, t.name]);
    return out;
  }

  /** The signal of a decoded change, when it is an insert into a signal table; else null. */
  signalOf(msg: Pgoutput.Message): RawSignal | null {
    if (msg.tag !== 'insert' || !this.has(msg.relation.schema, msg.relation.name)) return null;
    const row = msg.new as Record<string, unknown>;
    return { id: row['id'] ?? null, type: row['type'] ?? null, data: row['data'] ?? null };
  }
}

/** Signals act on the chunked snapshot engine, which snapshot.strategy=single_transaction does not run. */
export function signalsNeedChunkedError(where: string): ConfigError {
  return new ConfigError({
    code: 'CDC_SIGNAL_NEEDS_CHUNKED',
    what: 'signals (signal.data.collection, or kafka/rest in signal.enabled.channels) need snapshot.strategy=chunked: with single_transaction there is no engine to run the snapshots they ask for, so they would be dropped',
    where: `${where}, property snapshot.strategy`,
    fix: 'remove snapshot.strategy (chunked is the default), or remove signal.data.collection and leave signal.enabled.channels at source',
  });
}
