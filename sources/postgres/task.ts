/**
 * The PostgreSQL source task: composition root and lifecycle. start() checks
 * the server, prepares publication and slot, and picks how the initial
 * snapshot runs: chunked beside the stream (chunked-snapshot.ts, the default)
 * or in one Kafka transaction before it (exported-snapshot.ts,
 * snapshot.strategy=single_transaction); poll() hands out units of the current
 * phase (streaming.ts); committed() moves the slot.
 */
import type pg from 'pg';
import type { SourceUnit, JsonMap } from '../../src/events/record.ts';
import type { SourceTask, SourceTaskContext } from '../../src/runtime/source-task.ts';
import { systemClock, type Clock } from '../../src/events/envelope.ts';
import type { Logger } from '../../src/log/logger.ts';
import { dropSlot, openSql, SlotCreator, slotState } from './connection.ts';
import { ensurePublication } from './publication.ts';
import { beginSnapshot } from './snapshot.ts';
import { randomUUID } from 'node:crypto';
import { debeziumContextHeaders } from './change-events.ts';
import { decodePosition, pgPartition, type PgPosition } from './offsets.ts';
import { formatLsn, type Lsn } from './lsn.ts';
import { TableRegistry } from './table-registry.ts';
import { readPgTaskConfig, type PgTaskConfig } from './task-config.ts';
import { checkServer } from './server-checks.ts';
import { versionLabel, type PgServerFacts } from './server-version.ts';
import { ensureFailoverSlot } from './failover-slot.ts';
import { waitForFreeSlot } from './slot-claim.ts';
import { describeUnmatched, nothingCapturedError, unmatchedIncludes } from './capture-check.ts';
import { checkKeyColumns } from './key-columns.ts';
import { oddValueSink } from './odd-values.ts';
import { partitionFilterError, viaRootError } from './partition-errors.ts';
import { LEGACY_SCHEMA_NAMES_WARNING } from '../../src/serde/name-adjustment-config.ts';
import { detachNotice, relId, viaRootProblem, type PgRelation } from './partitions.ts';
import { SourceError } from '../../src/errors/cdc-error.ts';
import { Streaming } from './streaming.ts';
import { ExportedSnapshot } from './exported-snapshot.ts';
import { openChunkedSnapshot, type ChunkedRun } from './chunked-run.ts';
import { decideSnapshot, slotLostError, slotMissingError, standbyChunkedError } from './snapshot-plan.ts';
import { SignalHub } from '../../src/snapshot/signals/signal-hub.ts';
import { readSignalConfig, readsSignalTopic } from '../../src/snapshot/signals/signal-config.ts';
import { SignalTable, signalsNeedChunkedError } from './signal-table.ts';
import type { SlotWatches } from './extras.ts';
import { watchKey } from './extras.ts';
import { TaskWalGuard } from './wal-guard-task.ts';
import { WalResnapshot } from './wal-resnapshot.ts';
import { maxSlotWalKeepBytes, walLimitProblem } from './wal-guard-config.ts';

export { decideSnapshot } from './snapshot-plan.ts';

type Phase = 'idle' | 'snapshot' | 'stream' | 'done' | 'stopped';

export class PostgresSourceTask implements SourceTask {
  private phase: Phase = 'idle';
  private cfg!: PgTaskConfig;
  private log!: Logger;
  private ctx!: SourceTaskContext;
  private readonly clock: Clock = systemClock();
  private sql: pg.Client | null = null;
  private server!: PgServerFacts;
  private exported: ExportedSnapshot | null = null;
  private consistentPoint: Lsn = 0n;
  private streaming: Streaming | null = null;
  private chunked: ChunkedRun | null = null;
  /** signals (chunked strategy only: they act on its engine) */
  private signals: { hub: SignalHub; table: SignalTable } | null = null;
  private tables: TableRegistry | null = null;
  /** extended.headers.enabled: the __debezium.context.* headers of this run, or null. */
  private contextHeaders: Readonly<Record<string, string>> | null = null;
  private lastCommitted = Date.now();
  /** snapshot.mode=initial_only with the chunked snapshot: its completion is committed. */
  private initialOnlyDone = false;
  private lastSourceLagMs = 0;
  /** Shown in the task status while RUNNING: include patterns that match nothing. */
  private notice: string | null = null;
  private walGuard: TaskWalGuard | null = null;
  /** slot.wal.limit.action=resnapshot, once under way */
  private resnapshot: WalResnapshot | null = null;
  /** the latest committed offset (the stored one until the first commit): what a lost slot's message names */
  private lastOffset: JsonMap | null = null;

  constructor(private readonly deps: { readonly watches?: SlotWatches } = {}) {}

  async start(ctx: SourceTaskContext): Promise<void> {
    this.ctx = ctx;
    this.cfg = readPgTaskConfig(ctx.config);
    this.log = ctx.log.child({ task: ctx.taskId });
    const { cfg } = this;
    // runId: one per task start, as Debezium's task context draws it.
    this.contextHeaders = cfg.extendedHeaders ? debeziumContextHeaders(cfg.topicPrefix, ctx.taskId, randomUUID()) : null;
    const where = `connector "${ctx.connectorName}"`;
    this.sql = await openSql(cfg.connection);
    this.server = await checkServer(this.sql, cfg, where);
    if (this.server.inRecovery) this.log.info({ version: versionLabel(this.server.versionNum) }, 'connected to a standby: decoding there (heartbeat.action.query, if set, must write to the primary)');
    const partition = pgPartition(cfg.topicPrefix);
    const storedMap = ctx.offsets.get(partition);
    const stored = storedMap ? decodePosition(storedMap, `${where}, stored offset`) : null;
    this.lastOffset = storedMap ?? null;
    const walProblem = walLimitProblem(cfg.walGuard, await maxSlotWalKeepBytes(this.sql), where);
    if (walProblem) throw walProblem;
    this.walGuard = new TaskWalGuard({
      watch: () => this.deps.watches?.get(watchKey(ctx.config, cfg.topicPrefix)), policy: cfg.walGuard, slot: cfg.slotName, where,
      whenNeeded: cfg.snapshotMode === 'when_needed',
    });
    this.log.info({ offset: storedMap }, stored ? 'resuming from the committed offset' : 'no committed offset');
    this.tables = new TableRegistry({ sql: this.sql, cfg, log: this.log, oddValues: oddValueSink(this.log, () => ctx.metrics.valueReplaced()) });
    if (cfg.snapshotMode === 'initial_only' && stored?.snapshotCompleted) {
      // Snapshot done before: nothing to stream, and no slot to keep WAL for.
      this.phase = 'done';
      return;
    }

    const plan = await this.tables.capturePlan();
    const captured = plan.captured;
    const partitionProblem = plan.problems[0];
    if (partitionProblem) throw partitionFilterError(partitionProblem, where);
    await this.checkCapture(captured, where);
    // Before creating or altering it: an existing publication that names partitions where the root is captured (or back).
    const via = await viaRootProblem(this.sql, cfg.publicationName, cfg.publishViaRoot, captured);
    if (via) throw viaRootError(via, where);
    if (cfg.names.schemaAvroForLegacyConfig) this.log.warn({ property: 'schema.name.adjustment.mode' }, LEGACY_SCHEMA_NAMES_WARNING);
    const detach = detachNotice(this.server.versionNum, cfg.publishViaRoot, captured, cfg.publicationName);
    if (detach) this.log.warn({ publication: cfg.publicationName }, detach);
    const signalConfig = readSignalConfig(ctx.config, cfg.topicPrefix);
    const signalTable = SignalTable.fromConfig(signalConfig.dataCollections, cfg.connection.database, where);
    // The signal table is published too: its inserts are signals that must travel through the slot.
    const pub = await ensurePublication(this.sql, { name: cfg.publicationName, mode: cfg.publicationAutocreate, tables: signalTable.publicationTables(captured.map((t) => [t.schema, t.name] as const)), viaRoot: cfg.publishViaRoot }, where);
    if (pub !== 'exists') this.log.info({ publication: cfg.publicationName, action: pub }, 'publication prepared');

    let slot = await slotState(this.sql, cfg.slotName);
    if (slot.exists && (slot.walStatus === 'lost' || slot.invalidation !== null)) {
      if (cfg.snapshotMode !== 'when_needed') throw slotLostError(cfg.slotName, where, { committed: stored, invalidation: slot.invalidation });
      // Loud, never silent: what the new snapshot replaces is gone from the slot.
      this.log.error({ slot: cfg.slotName, invalidation: slot.invalidation, committedLsn: stored ? formatLsn(stored.lsnProc) : null },
        'slot was invalidated by PostgreSQL: changes after the committed offset up to the invalidation cannot be read; snapshot.mode=when_needed: dropping it and taking a new snapshot');
      await dropSlot(this.sql, cfg.slotName);
      slot = await slotState(this.sql, cfg.slotName);
    }
    if (slot.exists && slot.plugin !== cfg.pluginName) {
      throw new SourceError({ code: 'CDC_PG_SLOT_PLUGIN', what: `slot "${cfg.slotName}" uses plugin ${slot.plugin}, not ${cfg.pluginName} (plugin.name)`, where: `${where}, property slot.name`, fix: 'drop that slot or choose another slot.name' });
    }
    if (cfg.snapshotStrategy === 'single_transaction') {
      // Signals act on the chunked engine; with this strategy there is none, and a signal must never be dropped silently.
      if (signalTable.enabled || readsSignalTopic(signalConfig)) throw signalsNeedChunkedError(where);
      await this.startSingleTransaction(stored, slot, captured, where);
      return;
    }

    // Chunked: the stream starts at once from the slot (a new one needs no exported snapshot);
    // the engine reads the tables while it runs, or continues the snapshot the offset records.
    // A snapshot the offset records as under way (Debezium's incremental-snapshot keys) continues
    // after its last committed chunk, unless the slot is gone (changes since are lost) or mode=always.
    const resumable = slot.exists && cfg.snapshotMode !== 'always' && typeof storedMap?.incremental_snapshot_collections === 'string';
    const fresh = !resumable && decideSnapshot(cfg.snapshotMode, stored, slot.exists);
    if (stored && !slot.exists && !fresh) throw slotMissingError(cfg.slotName, stored, where);
    if (this.server.inRecovery && (fresh || resumable)) throw standbyChunkedError(where);
    let slotFlush: Lsn;
    if (!slot.exists) {
      const creator = await SlotCreator.create(cfg.connection, cfg.slotName, cfg.pluginName, this.server.versionNum, { exportSnapshot: false, failover: cfg.slotFailover });
      slotFlush = creator.slot.consistentPoint;
      await creator.close();
      this.log.info({ slot: cfg.slotName, consistentPoint: formatLsn(slotFlush) }, 'slot created');
    } else slotFlush = slot.confirmedFlush;
    if (cfg.slotFailover) await ensureFailoverSlot(this.sql, cfg, this.log);
    const toSnapshot = fresh ? captured.filter((t) => cfg.snapshotIncludes(relId(t))) : [];
    this.chunked = await openChunkedSnapshot({
      cfg, log: this.log, metrics: ctx.metrics, clock: this.clock, contextHeaders: this.contextHeaders, tables: this.tables, captured, where,
      stored: fresh ? null : storedMap ?? null, initial: fresh ? toSnapshot : null,
    });
    const hub = new SignalHub({
      connectorName: ctx.connectorName, config: signalConfig, commands: this.chunked.engine, log: this.log,
      capturedTables: () => captured.map(relId), kafka: ctx.signalKafka ?? null,
      handled: (channel, type, outcome) => ctx.metrics.signalHandled(channel, type, outcome),
    });
    this.signals = { hub, table: signalTable };
    await hub.start(storedMap ?? null);
    if (fresh) this.log.info({ tables: toSnapshot.map(relId), strategy: 'chunked', chunkSize: cfg.snapshotFetchSize }, 'initial snapshot starts beside the stream');
    else if (resumable) this.log.info({ initialChunkSize: cfg.snapshotFetchSize, incrementalChunkSize: cfg.chunkSize }, 'snapshot continues after the last committed chunk');
    await this.startStream(stored, slotFlush);
  }

  /** snapshot.strategy=single_transaction: the slot's exported snapshot, in one Kafka transaction. */
  private async startSingleTransaction(stored: PgPosition | null, slot: Awaited<ReturnType<typeof slotState>>, captured: readonly PgRelation[], where: string): Promise<void> {
    const { cfg } = this;
    const needSnapshot = decideSnapshot(cfg.snapshotMode, stored, slot.exists);
    if (stored && !slot.exists && !needSnapshot) throw slotMissingError(cfg.slotName, stored, where);
    if (!needSnapshot) {
      if (!slot.exists) {
        const creator = await SlotCreator.create(cfg.connection, cfg.slotName, cfg.pluginName, this.server.versionNum, { exportSnapshot: false, failover: cfg.slotFailover });
        this.consistentPoint = creator.slot.consistentPoint;
        await creator.close();
        if (cfg.slotFailover) await ensureFailoverSlot(this.sql!, cfg, this.log);
        this.log.info({ slot: cfg.slotName, consistentPoint: formatLsn(this.consistentPoint) }, 'slot created (no snapshot)');
      } else {
        this.consistentPoint = slot.confirmedFlush;
        if (cfg.slotFailover) await ensureFailoverSlot(this.sql!, cfg, this.log);
      }
      await this.startStream(stored, slot.exists ? slot.confirmedFlush : this.consistentPoint);
      return;
    }
    if (slot.exists) {
      // A consistent snapshot needs the slot's own exported snapshot; an old slot has none.
      if (slot.active) await waitForFreeSlot(this.sql!, cfg.slotName, cfg.slotRetries, this.log, where);
      this.log.warn({ slot: cfg.slotName }, 'dropping existing slot: a snapshot is needed and must start from the slot\'s own exported snapshot');
      await dropSlot(this.sql!, cfg.slotName);
    }
    const creator = await SlotCreator.create(cfg.connection, cfg.slotName, cfg.pluginName, this.server.versionNum,
      { exportSnapshot: cfg.snapshotMode !== 'no_data' && cfg.snapshotMode !== 'never', failover: cfg.slotFailover });
    let snapSql: pg.Client;
    let txId: number | null;
    try {
      this.consistentPoint = creator.slot.consistentPoint;
      snapSql = await openSql(cfg.connection);
      txId = await beginSnapshot(snapSql, creator.slot.snapshotName);
    } finally {
      // The readers imported the snapshot; the exporting session may go.
      await creator.close();
    }
    if (cfg.slotFailover) await ensureFailoverSlot(this.sql!, cfg, this.log);
    const models = await this.tables!.loadModels(snapSql, captured.filter((t) => cfg.snapshotIncludes(relId(t))));
    this.log.info({ slot: cfg.slotName, consistentPoint: formatLsn(this.consistentPoint), tables: models.map((m) => m.id) }, 'slot created; initial snapshot starts (single transaction)');
    this.exported = new ExportedSnapshot({
      cfg, ctx: this.ctx, log: this.log, clock: this.clock, contextHeaders: this.contextHeaders,
      sql: snapSql, snapshotName: creator.slot.snapshotName!, txId, consistentPoint: this.consistentPoint, models,
    });
    this.phase = 'snapshot';
  }

  private async startStream(stored: PgPosition | null, slotFlush: Lsn): Promise<void> {
    const { cfg } = this;
    await this.takeOverSlot();
    await waitForFreeSlot(this.sql!, cfg.slotName, cfg.slotRetries, this.log, `connector "${this.ctx.connectorName}"`);
    this.streaming = new Streaming({
      cfg, ctx: this.ctx, log: this.log, sql: this.sql!, tables: this.tables!, clock: this.clock, contextHeaders: this.contextHeaders,
      companion: this.chunked?.companion ?? null,
      signals: this.signals,
      heartbeatMessage: !this.server.inRecovery,
    });
    await this.streaming.start(stored, slotFlush);
    this.walGuard?.arm();
    this.phase = 'stream';
  }

  /**
   * Filters that capture nothing stop the task (it would look RUNNING and never emit);
   * include patterns that match nothing are logged and shown in the task status.
   * message.key.columns outside a replica identity would fail at the first delete: refused now.
   */
  private async checkCapture(captured: readonly { schema: string; name: string; selectable: boolean }[], where: string): Promise<void> {
    const { cfg } = this;
    const db = cfg.connection.database;
    if (captured.length === 0 && cfg.filtered) throw nothingCapturedError(db, where);
    if (captured.length === 0) this.log.warn({ database: db }, 'no table to capture in this database yet; tables created later are captured from their first change');
    const unmatched = unmatchedIncludes(cfg.includeLists, captured);
    for (const u of unmatched) this.log.warn({ property: u.property, pattern: u.pattern }, `${describeUnmatched(u, db)}; check the name (regular expression, whole-name, case-sensitive)`);
    this.notice = unmatched.length === 0 ? null
      : `RUNNING with a warning: ${unmatched.map((u) => describeUnmatched(u, db)).join('; ')}`;
    const keyProblems = await checkKeyColumns(this.sql!, captured, cfg.keyColumns, cfg.skippedOperations.has('d'));
    if (keyProblems.length > 0) {
      const p = keyProblems[0]!;
      throw new SourceError({ code: 'CDC_PG_KEY_COLUMNS', what: p.what, where: `${where}, property message.key.columns`, fix: p.fix });
    }
  }

  /**
   * A previous incarnation of this connector (a crashed or hung worker whose
   * connection PostgreSQL has not dropped yet) may still hold the slot. Our
   * producer has already fenced it, so it can never commit or confirm anything
   * again: ending its walsender is safe and saves waiting for wal_sender_timeout.
   * Only sessions with our own application_name are touched.
   */
  private async takeOverSlot(): Promise<void> {
    const r = await this.sql!.query(
      `SELECT pg_terminate_backend(s.active_pid)::text AS ended FROM pg_replication_slots s
         JOIN pg_stat_activity a ON a.pid = s.active_pid
        WHERE s.slot_name = $1 AND s.active AND a.application_name = $2`,
      [this.cfg.slotName, this.cfg.connection.applicationName]).catch(() => ({ rows: [] as unknown[] }));
    if (r.rows.length > 0) {
      this.log.warn({ slot: this.cfg.slotName }, 'ended the walsender of a fenced earlier instance that still held the slot');
      for (let i = 0; i < 50; i++) {
        const s = await slotState(this.sql!, this.cfg.slotName);
        if (!s.active) break;
        await new Promise((res) => setTimeout(res, 100));
      }
    }
  }

  async poll(maxWaitMs: number): Promise<SourceUnit[]> {
    switch (this.phase) {
      case 'snapshot': {
        const { units, done } = await this.exported!.poll();
        if (done) {
          this.exported = null;
          if (this.cfg.snapshotMode === 'initial_only') {
            // The slot only served the exported snapshot; kept, it would pin WAL forever.
            this.phase = 'done';
            await dropSlot(this.sql!, this.cfg.slotName).catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'could not drop the snapshot slot'));
          } else await this.startStream(done, this.consistentPoint);
        }
        return units;
      }
      case 'stream':
        if (this.resnapshot || this.walGuard?.check(() => (this.lastOffset ? decodePosition(this.lastOffset, 'committed offset') : null))) return (this.resnapshot ??= this.newResnapshot()).poll(maxWaitMs);
        if (this.initialOnlyDone) {
          await this.finishInitialOnly();
          this.phase = 'done';
          return [];
        }
        return this.streaming!.poll(maxWaitMs);
      default:
        await new Promise((r) => setTimeout(r, Math.min(maxWaitMs, 200)));
        return [];
    }
  }

  committed(_partition: JsonMap, offset: JsonMap): void {
    this.lastCommitted = Date.now();
    this.resnapshot?.committed(offset);
    this.lastOffset = offset;
    const ts = offset.ts_usec;
    // Only positions of source transactions carry a commit time; idle keepalives mean "caught up".
    this.lastSourceLagMs = typeof ts === 'number' && offset.lsn_commit !== null ? Math.max(0, Date.now() - ts / 1000) : 0;
    this.streaming?.committed(offset);
    // initial_only: the chunked snapshot is committed; the next poll stops streaming and drops the slot.
    if (this.chunked && this.cfg.snapshotMode === 'initial_only' && offset.snapshot_completed === true) this.initialOnlyDone = true;
  }

  /** slot.wal.limit.action=resnapshot (wal-resnapshot.ts): stop capture, then drop the slot. */
  private newResnapshot(): WalResnapshot {
    const { cfg } = this;
    const where = `connector "${this.ctx.connectorName}"`;
    return new WalResnapshot({
      slot: cfg.slotName, limitBytes: cfg.walGuard.limitBytes, where, log: this.log,
      marker: () => this.streaming!.resnapshotMarker(),
      poll: (ms) => this.streaming!.poll(ms),
      dropSlot: async () => {
        const streaming = this.streaming, signals = this.signals, chunked = this.chunked;
        this.streaming = null; this.signals = null; this.chunked = null;
        this.phase = 'stopped';
        await streaming?.stop();
        await signals?.hub.stop();
        await chunked?.close();
        await waitForFreeSlot(this.sql!, cfg.slotName, cfg.slotRetries, this.log, where);
        await dropSlot(this.sql!, cfg.slotName);
      },
    });
  }

  private async finishInitialOnly(): Promise<void> {
    const streaming = this.streaming;
    this.streaming = null;
    await streaming?.stop();
    await this.signals?.hub.stop();
    this.signals = null;
    await this.chunked?.close();
    this.chunked = null;
    this.log.info({ slot: this.cfg.slotName }, 'snapshot.mode=initial_only: initial snapshot committed; dropping the slot');
    await waitForFreeSlot(this.sql!, this.cfg.slotName, this.cfg.slotRetries, this.log, `connector "${this.ctx.connectorName}"`).catch(() => undefined);
    await dropSlot(this.sql!, this.cfg.slotName).catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'could not drop the snapshot slot'));
  }

  health(): { stalled: string | null; catchingUp?: string | null } {
    const s = this.streaming?.replication;
    const wal = this.walGuard?.statusReason() ?? null;
    if (this.phase !== 'stream' || !s) return { stalled: null, catchingUp: wal ?? this.notice };
    const silent = s.silentForMs();
    // The server answers every status request; three unanswered in a row means it is stuck or unreachable.
    if (silent > 3 * this.cfg.statusIntervalMs) {
      // Stable wording: `since` says how long; a changing number would rewrite the status every second.
      return { stalled: `PostgreSQL has not answered ${3} status requests in a row (sent every ${this.cfg.statusIntervalMs / 1000} s); is the server stopped or the network down?` };
    }
    const stallMs = this.ctx.config.getLong('stall.timeout.ms') ?? 60000;
    const quiet = Date.now() - this.lastCommitted;
    if (s.queued > 0 && quiet > stallMs) {
      return { stalled: `changes are waiting but nothing was committed to Kafka for more than ${Math.round(stallMs / 1000)} s; is Kafka reachable?` };
    }
    if (wal) return { stalled: null, catchingUp: wal };
    // Behind but moving: the newest committed change is old (a backlog is being worked off).
    if (this.lastSourceLagMs > 10_000) {
      return { stalled: null, catchingUp: 'catching up: committed changes are more than 10 s behind the source (see cdc_source_lag_seconds)' };
    }
    return { stalled: null, catchingUp: this.chunked?.companion.status() ?? this.notice };
  }

  finished(): boolean {
    return this.phase === 'done';
  }

  async stop(): Promise<void> {
    const streaming = this.streaming, sql = this.sql, exported = this.exported, chunked = this.chunked, signals = this.signals;
    this.streaming = null; this.sql = null; this.exported = null; this.chunked = null; this.signals = null;
    if (this.phase !== 'done') this.phase = 'stopped';
    await streaming?.stop();
    await signals?.hub.stop();
    await exported?.close();
    await chunked?.close();
    await sql?.end().catch(() => undefined);
  }
}
