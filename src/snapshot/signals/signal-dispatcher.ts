/**
 * Acts on signals: validates them (signal.ts), expands the tables they name against the
 * tables the connector captures, and calls the snapshot engine (SnapshotCommands).
 * Every signal gets exactly one log line: what it did, or what was wrong with it, which
 * signal id and channel, and how to fix it. A bad signal never stops the task and is
 * never dropped without that line.
 *
 * Table names are regular expressions matched against the whole table id,
 * case-insensitively, as Debezium expands data-collections. Unlike Debezium, a name that
 * matches no captured table is not kept literally: the engine would find no such table to
 * read (or read one whose changes are not streamed), so it is left out and said so, with
 * the fix (add the table to table.include.list, then signal again).
 */
import type { JsonMap } from '../../events/record.ts';
import type { Logger } from '../../log/logger.ts';
import type { SnapshotCollection, SnapshotCommands } from '../contracts.ts';
import { parseSignal, type RawSignal, type Signal, type SignalChannelName } from './signal.ts';

export interface SignalDispatcherDeps {
  readonly commands: SnapshotCommands;
  /** ids of the tables the connector captures now (schema.table on PostgreSQL), as table.include.list matches them */
  readonly capturedTables: () => readonly string[];
  readonly log: Logger;
  /** the connector's current offset, for the {} placeholder of log signals (Debezium's behaviour) */
  readonly currentOffset?: () => JsonMap | null;
  /** told of every signal handled (metrics) */
  readonly handled?: (channel: SignalChannelName, type: string, outcome: DispatchResult) => void;
}

/** Signal types counted by name; anything else is counted as "other" (label values stay bounded). */
const KNOWN_TYPES = new Set(['execute-snapshot', 'stop-snapshot', 'pause-snapshot', 'resume-snapshot', 'log', 'watermark']);

export type DispatchResult = 'applied' | 'rejected' | 'ignored';

export class SignalDispatcher {
  constructor(private readonly deps: SignalDispatcherDeps) {}

  /** Validates and applies one signal; never throws. */
  dispatch(raw: RawSignal, channel: SignalChannelName): DispatchResult {
    const outcome = this.handle(raw, channel);
    this.deps.handled?.(channel, typeof raw.type === 'string' && KNOWN_TYPES.has(raw.type) ? raw.type : 'other', outcome);
    return outcome;
  }

  private handle(raw: RawSignal, channel: SignalChannelName): DispatchResult {
    const parsed = parseSignal(raw);
    if (!parsed.ok) {
      this.deps.log.warn({ signalId: parsed.id, channel }, `signal ${label(parsed.id)} from the ${channel} channel ignored: ${parsed.what}; fix: ${parsed.fix}`);
      return 'rejected';
    }
    try {
      return this.apply(parsed.signal, channel);
    } catch (err) {
      // The engine refused (e.g. a state it cannot take): say so, keep streaming.
      this.deps.log.warn({ signalId: parsed.signal.id, channel, err: (err as Error).message },
        `signal ${label(parsed.signal.id)} (${parsed.signal.action.type}) from the ${channel} channel failed: ${(err as Error).message}`);
      return 'rejected';
    }
  }

  private apply(signal: Signal, channel: SignalChannelName): DispatchResult {
    const { commands, log } = this.deps;
    const a = signal.action;
    const at = { signalId: signal.id, channel };
    const name = `signal ${label(signal.id)} (${a.type}) from the ${channel} channel`;
    switch (a.type) {
      case 'execute-snapshot': {
        const { matched, unmatched } = this.expand(a.dataCollections);
        if (unmatched.length > 0) {
          log.warn({ ...at, patterns: unmatched }, `${name}: ${unmatched.map((p) => `"${p}"`).join(', ')} match${unmatched.length === 1 ? 'es' : ''} no captured table; fix: add the table to table.include.list (PUT /connectors/<name>/config), then send the signal again`);
        }
        if (matched.length === 0) {
          log.warn(at, `${name} ignored: no captured table to snapshot`);
          return 'rejected';
        }
        const collections: SnapshotCollection[] = matched.map((id) => ({
          id,
          filter: a.additionalConditions.find((c) => c.dataCollection.test(id))?.filter ?? null,
          surrogateKey: a.surrogateKey,
        }));
        commands.execute(a.snapshotType, collections, signal.id);
        log.info({ ...at, snapshotType: a.snapshotType, tables: matched, filtered: collections.filter((c) => c.filter !== null).map((c) => c.id) },
          `${name}: ${a.snapshotType} snapshot of ${matched.length} table(s) queued`);
        return 'applied';
      }
      case 'stop-snapshot': {
        if (a.snapshotType === 'blocking') {
          log.info(at, `${name}: a blocking snapshot cannot be stopped (as in Debezium); nothing done`);
          return 'ignored';
        }
        let ids: string[] | null = null;
        if (a.dataCollections) {
          // Literal names too: a queued table may have left table.include.list since it was queued.
          const { matched, unmatched } = this.expand(a.dataCollections);
          ids = [...matched, ...unmatched];
        }
        commands.stop(a.snapshotType, ids);
        log.info({ ...at, tables: ids }, `${name}: ${ids ? `${ids.length} table(s)` : 'every table'} removed from the incremental snapshot`);
        return 'applied';
      }
      case 'pause-snapshot':
        commands.pause();
        log.info(at, `${name}: incremental snapshot paused (until resume-snapshot or a restart of the task)`);
        return 'applied';
      case 'resume-snapshot':
        commands.resume();
        log.info(at, `${name}: incremental snapshot resumed`);
        return 'applied';
      case 'log': {
        const offset = this.deps.currentOffset?.() ?? null;
        const text = a.message.includes('{}') ? a.message.split('{}').join(JSON.stringify(offset)) : a.message;
        log.info(at, text);
        return 'applied';
      }
      case 'watermark':
        log.debug(at, `${name}: a Debezium watermark row, not a signal for this daemon; ignored`);
        return 'ignored';
    }
  }

  /** Captured table ids matching any pattern (in captured order, each once), and the patterns matching none. */
  private expand(patterns: readonly RegExp[]): { matched: string[]; unmatched: string[] } {
    const tables = this.deps.capturedTables();
    const matched: string[] = [];
    const unmatched: string[] = [];
    for (const p of patterns) {
      const hits = tables.filter((t) => p.test(t));
      if (hits.length === 0) unmatched.push(patternText(p));
      for (const h of hits) if (!matched.includes(h)) matched.push(h);
    }
    return { matched, unmatched };
  }
}

function label(id: string | null): string {
  return id === null ? '(no id)' : `"${id}"`;
}

/** The user's text back from ^(?:text)$. */
function patternText(p: RegExp): string {
  return p.source.slice(4, -2);
}
