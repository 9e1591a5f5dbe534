/**
 * The streaming phase of the PostgreSQL task: the replication stream, the
 * decoder, idle positions and heartbeats, and moving the slot after commits.
 * A chunked snapshot, when one runs, rides along (chunked-snapshot.ts): it sees
 * the decoded stream through the decoder's hooks and adds its rows and offset
 * fields to the units handed out here.
 */
import type pg from 'pg';
import type { JsonMap, SourceRecord, SourceUnit } from '../../src/events/record.ts';
import { PgChangeUnit } from './change-unit.ts';
import type { SourceTaskContext } from '../../src/runtime/source-task.ts';
import { HEARTBEAT_KEY_SCHEMA, HEARTBEAT_VALUE_SCHEMA, sanitizeTopicName, type Clock } from '../../src/events/envelope.ts';
import type { Logger } from '../../src/log/logger.ts';
import { ReplicationStream } from './stream.ts';
import { ChangeDecoder, type SnapshotHooks } from './change-decoder.ts';
import { decodePosition, pgPartition, type PgPosition } from './offsets.ts';
import type { Lsn } from './lsn.ts';
import type { TableRegistry } from './table-registry.ts';
import type { PgTaskConfig } from './task-config.ts';
import { HEARTBEAT_MESSAGE_PREFIX, messageValueSchema } from './logical-messages.ts';
import type { SignalHub } from '../../src/snapshot/signals/signal-hub.ts';
import type { SignalTable } from './signal-table.ts';

/** What a snapshot running beside the stream does to the units (chunked-snapshot.ts). */
export interface StreamCompanion {
  readonly hooks: SnapshotHooks;
  /** Called once per decoded unit, in order, and at the end of each poll (unit null). */
  decorate(unit: SourceUnit | null, decoder: ChangeDecoder): readonly SourceUnit[];
}

export interface StreamingDeps {
  readonly cfg: PgTaskConfig;
  readonly ctx: SourceTaskContext;
  readonly log: Logger;
  readonly sql: pg.Client;
  readonly tables: TableRegistry;
  readonly clock: Clock;
  readonly contextHeaders: Readonly<Record<string, string>> | null;
  readonly companion: StreamCompanion | null;
  /** signals: the signal table's inserts go to the hub in stream order; the hub's topic position rides in every offset */
  readonly signals?: { readonly hub: SignalHub; readonly table: SignalTable } | null;
  /** false on a standby, which cannot write the heartbeat message */
  readonly heartbeatMessage: boolean;
}

export class Streaming {
  private stream: ReplicationStream | null = null;
  private decoder: ChangeDecoder | null = null;
  private lastIdleUnit = 0;
  private lastHeartbeat = 0;
  private heartbeatMessageFailed = false;

  constructor(private readonly deps: StreamingDeps) {}

  get replication(): ReplicationStream | null {
    return this.stream;
  }

  async start(stored: PgPosition | null, slotFlush: Lsn): Promise<void> {
    const { cfg } = this.deps;
    const initialFlush = stored && stored.lsnProc > slotFlush ? stored.lsnProc : slotFlush;
    this.decoder = new ChangeDecoder({
      serverName: cfg.topicPrefix, db: cfg.connection.database, partition: pgPartition(cfg.topicPrefix),
      events: { tombstonesOnDelete: cfg.tombstonesOnDelete, skippedOperations: cfg.skippedOperations, clock: this.deps.clock, contextHeaders: this.deps.contextHeaders },
      messages: {
        include: cfg.messagePrefixes,
        // Debezium appends ".message" to the logical name, whatever topic.delimiter says.
        record: { topic: sanitizeTopicName(`${cfg.topicPrefix}.message`), binaryMode: cfg.types.binaryHandlingMode, valueSchema: messageValueSchema(cfg.types.binaryHandlingMode), clock: this.deps.clock },
      },
      txMetadata: cfg.txMetadata, txTopic: sanitizeTopicName(`${cfg.topicPrefix}${cfg.topicDelimiter}${cfg.topicTransaction}`),
      ...(this.deps.companion ? { snapshot: this.deps.companion.hooks } : {}),
      onFiltered: () => this.deps.ctx.metrics.eventsFiltered(1),
    }, this.deps.tables, stored, slotFlush);
    this.stream = new ReplicationStream({
      settings: cfg.connection, slotName: cfg.slotName, publicationNames: [cfg.publicationName], initialFlush,
      queueCapacity: cfg.maxQueueSize, queueMaxBytes: cfg.maxQueueBytes, statusIntervalMs: cfg.statusIntervalMs, log: this.deps.log,
    });
    await this.stream.start();
  }

  async poll(maxWaitMs: number): Promise<SourceUnit[]> {
    const { cfg, ctx, companion } = this.deps;
    const stream = this.stream!, decoder = this.decoder!;
    const items = await stream.take(cfg.maxBatchSize, maxWaitMs);
    const units: SourceUnit[] = [];
    const signals = this.deps.signals ?? null;
    const withSignals = (d: SourceUnit): SourceUnit => {
      if (!signals) return d;
      const fields = signals.hub.offsetFields(); // as they are now: the offset may be built later
      return d instanceof PgChangeUnit ? d.withSignals(fields) : { ...d, offset: { ...d.offset, ...fields } };
    };
    const push = (u: SourceUnit | null): void => {
      if (companion) for (const d of companion.decorate(u, decoder)) units.push(withSignals(d));
      else if (u) units.push(withSignals(u));
    };
    let lastLsn = 0n;
    for (const item of items) {
      if (item.kind === 'message') {
        lastLsn = item.lsn > lastLsn ? item.lsn : lastLsn;
        // A signal acts before the unit of its insert is built, so that unit's offset carries its effect.
        const msg = stream.parse(item.frame);
        const raw = signals?.table.signalOf(msg);
        if (raw) signals!.hub.fromSource(raw);
        let u = decoder.handle(item.lsn, msg);
        if (u instanceof Promise) u = await u; // a Relation message only
        if (u) push(u);
      } else if (stream.queued === 0 && Date.now() - this.lastIdleUnit >= cfg.statusIntervalMs) {
        // Idle: let the slot move past WAL written by other tables and databases (invariant 5).
        const u = decoder.idle(item.walEnd);
        if (u) { push(u); this.lastIdleUnit = Date.now(); }
      }
    }
    if (cfg.heartbeatIntervalMs > 0 && Date.now() - this.lastHeartbeat >= cfg.heartbeatIntervalMs) {
      this.lastHeartbeat = Date.now();
      if (cfg.heartbeatQuery) {
        await this.deps.sql.query(cfg.heartbeatQuery).catch((err: unknown) => this.deps.log.warn({ err: (err as Error).message }, 'heartbeat.action.query failed'));
      }
      // Through the slot (logical-messages.ts): the next poll gets its LSN as a position to confirm.
      if (this.deps.heartbeatMessage) {
        await this.deps.sql.query('SELECT pg_logical_emit_message(false, $1, \'\')', [HEARTBEAT_MESSAGE_PREFIX]).catch((err: unknown) => {
          if (!this.heartbeatMessageFailed) this.deps.log.warn({ err: (err as Error).message }, 'heartbeat message (pg_logical_emit_message) failed; heartbeats still write their record, the slot moves with server keepalives only (logged once)');
          this.heartbeatMessageFailed = true;
        });
      }
      const u = decoder.heartbeatUnit([this.heartbeatRecord()]);
      if (u) push(u);
    }
    // Signals of the topic: applied between source transactions, and a unit commits their effect with their position.
    if (signals && !decoder.inTransaction && signals.hub.poll()) {
      const u = decoder.heartbeatUnit([]);
      if (u) push({ ...u, commitAfter: true });
    }
    if (companion) push(null);
    ctx.metrics.queueDepth(stream.queued);
    if (lastLsn > 0n) ctx.metrics.sourcePosition('received', lastLsn);
    return units;
  }

  /**
   * slot.wal.limit.action=resnapshot: a unit at the current position (between source
   * transactions; null while one is open) whose offset says a snapshot is needed
   * (snapshot_completed=false, no chunk progress). Once it is committed the slot may
   * be dropped: the next start takes a new snapshot from a new slot (snapshot-plan.ts),
   * and a crash before the drop repeats the same decision.
   */
  resnapshotMarker(): SourceUnit | null {
    const u = this.decoder?.heartbeatUnit([]);
    if (!u) return null;
    const offset: JsonMap = { ...Object.fromEntries(Object.entries(u.offset).filter(([k]) => !k.startsWith('incremental_snapshot_'))), snapshot_completed: false };
    const signals = this.deps.signals ?? null;
    return { ...u, offset: signals ? { ...offset, ...signals.hub.offsetFields() } : offset };
  }

  private heartbeatRecord(): SourceRecord {
    const { cfg } = this.deps;
    return {
      topic: sanitizeTopicName(`${cfg.heartbeatPrefix}${cfg.topicDelimiter}${cfg.topicPrefix}`),
      kafkaPartition: 0,
      keySchema: HEARTBEAT_KEY_SCHEMA, key: { serverName: cfg.topicPrefix },
      valueSchema: HEARTBEAT_VALUE_SCHEMA, value: { ts_ms: BigInt(Date.now()) },
    };
  }

  /** A committed offset: lsn_proc is the end of the last source transaction wholly in Kafka, exactly what may be flushed. */
  committed(offset: JsonMap): void {
    if (!this.stream) return;
    const p = decodePosition(offset, 'committed offset');
    this.stream.confirm(p.lsnProc);
    this.deps.ctx.metrics.sourcePosition('flushed', this.stream.flushedLsn);
  }

  async stop(): Promise<void> {
    const s = this.stream;
    this.stream = null;
    await s?.stop();
  }
}
