/**
 * The PostgreSQL source task: composition root and lifecycle. start() checks
 * the server, prepares publication and slot, and decides between snapshot and
 * stream; poll() hands out units; committed() moves the slot.
 *
 * Snapshot and exactly-once: the whole initial snapshot is one Kafka
 * transaction (units carry holdTransaction), committed with the offset that
 * says "snapshot done at the consistent point". A crash mid-snapshot leaves
 * nothing visible, and the restart takes a fresh slot + snapshot. The producer's
 * transaction timeout bounds how long a snapshot may take (docs/postgres.md).
 */
import type pg from 'pg';
import type { SourceRecord, SourceUnit, JsonMap } from '../../src/events/record.ts';
import type { SourceTask, SourceTaskContext } from '../../src/runtime/source-task.ts';
import { SourceError } from '../../src/errors/cdc-error.ts';
import { HEARTBEAT_KEY_SCHEMA, HEARTBEAT_VALUE_SCHEMA, systemClock, type Clock, type Op, sanitizeTopicName } from '../../src/events/envelope.ts';
import type { Logger } from '../../src/log/logger.ts';
import { dropSlot, openSql, SlotCreator, slotState, type PgConnectionSettings } from './connection.ts';
import { ensurePublication } from './publication.ts';
import { beginSnapshot, readSnapshot, type SnapshotRow } from './snapshot.ts';
import { ReplicationStream } from './stream.ts';
import { ChangeDecoder } from './change-decoder.ts';
import { randomUUID } from 'node:crypto';
import { changeRecords, debeziumContextHeaders } from './change-events.ts';
import { decodePosition, encodePosition, pgPartition, type PgPosition } from './offsets.ts';
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
import { messageValueSchema } from './logical-messages.ts';
import { partitionFilterError, viaRootError } from './partition-errors.ts';
import { detachNotice, viaRootProblem } from './partitions.ts';

type Phase = 'idle' | 'snapshot' | 'stream' | 'done' | 'stopped';

export class PostgresSourceTask implements SourceTask {
  private phase: Phase = 'idle';
  private cfg!: PgTaskConfig;
  private log!: Logger;
  private ctx!: SourceTaskContext;
  private readonly clock: Clock = systemClock();
  private sql: pg.Client | null = null;
  private server!: PgServerFacts;
  private snapSql: pg.Client | null = null;
  private snapshotRows: AsyncGenerator<SnapshotRow> | null = null;
  private consistentPoint: Lsn = 0n;
  private stream: ReplicationStream | null = null;
  private decoder: ChangeDecoder | null = null;
  private tables: TableRegistry | null = null;
  private lastIdleUnit = 0;
  private lastHeartbeat = 0;
  private snapshotCount = 0;
  /** extended.headers.enabled: the __debezium.context.* headers of this run, or null. */
  private contextHeaders: Readonly<Record<string, string>> | null = null;
  /** The snapshot transaction's id (source.txId of snapshot records). */
  private snapshotTxId: number | null = null;
  private lastCommitted = Date.now();
  private lastSourceLagMs = 0;
  /** Shown in the task status while RUNNING: include patterns that match nothing. */
  private notice: string | null = null;

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
    const detach = detachNotice(this.server.versionNum, cfg.publishViaRoot, captured, cfg.publicationName);
    if (detach) this.log.warn({ publication: cfg.publicationName }, detach);
    const pub = await ensurePublication(this.sql, { name: cfg.publicationName, mode: cfg.publicationAutocreate, tables: captured.map((t) => [t.schema, t.name] as const), viaRoot: cfg.publishViaRoot }, where);
    if (pub !== 'exists') this.log.info({ publication: cfg.publicationName, action: pub }, 'publication prepared');

    let slot = await slotState(this.sql, cfg.slotName);
    if (slot.exists && slot.walStatus === 'lost') {
      if (cfg.snapshotMode !== 'when_needed') {
        throw new SourceError({
          code: 'CDC_PG_SLOT_LOST',
          what: `replication slot "${cfg.slotName}" is lost: PostgreSQL removed WAL it still needed (max_slot_wal_keep_size), so changes were skipped`,
          where: `${where}, property slot.name`,
          fix: 'set snapshot.mode=when_needed to drop the slot and take a new snapshot, and raise max_slot_wal_keep_size; alert on cdc_postgres_slot_safe_wal_size_bytes',
        });
      }
      this.log.warn({ slot: cfg.slotName }, 'slot is lost; snapshot.mode=when_needed: dropping it and taking a new snapshot');
      await dropSlot(this.sql, cfg.slotName);
      slot = await slotState(this.sql, cfg.slotName);
    }
    const needSnapshot = decideSnapshot(cfg.snapshotMode, stored, slot.exists);
    if (stored && !slot.exists && !needSnapshot) {
      throw new SourceError({
        code: 'CDC_PG_SLOT_MISSING',
        what: `replication slot "${cfg.slotName}" does not exist, but offsets at LSN ${formatLsn(stored.lsnProc)} do: changes since then cannot be read`,
        where: `${where}, property slot.name`,
        fix: 'set snapshot.mode=when_needed to take a new snapshot, or reset the connector offsets (DELETE /connectors/<name>/offsets while stopped)',
      });
    }
    if (slot.exists && slot.plugin !== cfg.pluginName) {
      throw new SourceError({ code: 'CDC_PG_SLOT_PLUGIN', what: `slot "${cfg.slotName}" uses plugin ${slot.plugin}, not ${cfg.pluginName} (plugin.name)`, where: `${where}, property slot.name`, fix: 'drop that slot or choose another slot.name' });
    }

    if (needSnapshot) {
      if (slot.exists) {
        // A consistent snapshot needs the slot's own exported snapshot; an old slot has none.
        if (slot.active) await waitForFreeSlot(this.sql, cfg.slotName, cfg.slotRetries, this.log, where);
        this.log.warn({ slot: cfg.slotName }, 'dropping existing slot: a snapshot is needed and must start from the slot\'s own exported snapshot');
        await dropSlot(this.sql, cfg.slotName);
      }
      const creator = await SlotCreator.create(cfg.connection, cfg.slotName, cfg.pluginName, this.server.versionNum,
        { exportSnapshot: cfg.snapshotMode !== 'no_data' && cfg.snapshotMode !== 'never', failover: cfg.slotFailover });
      try {
        this.consistentPoint = creator.slot.consistentPoint;
        this.snapSql = await openSql(cfg.connection);
        this.snapshotTxId = await beginSnapshot(this.snapSql, creator.slot.snapshotName);
      } finally {
        // The readers imported the snapshot; the exporting session may go.
        await creator.close();
      }
      if (cfg.slotFailover) await ensureFailoverSlot(this.sql, cfg, this.log);
      const models = await this.tables.loadModels(this.snapSql, captured);
      this.log.info({ slot: cfg.slotName, consistentPoint: formatLsn(this.consistentPoint), tables: models.map((m) => m.id) }, 'slot created; initial snapshot starts');
      ctx.metrics.snapshotRunning(true);
      this.snapshotRows = readSnapshot({
        sql: this.snapSql, snapshotName: creator.slot.snapshotName, tables: models, fetchSize: cfg.snapshotFetchSize, log: this.log,
        selectOverride: (id) => cfg.snapshotSelects.get(id),
        progress: {
          onTableStart: (t, est) => this.log.info({ table: t.id, estimatedRows: est }, 'snapshotting table'),
          onRows: (t, n, est) => { ctx.metrics.snapshotProgress(t.id, n, est); this.log.info({ table: t.id, rows: n, estimatedRows: est }, 'snapshot progress'); },
          onTableDone: (t, n, ms) => { ctx.metrics.snapshotProgress(t.id, n, n); this.log.info({ table: t.id, rows: n, ms }, 'table snapshot read'); },
        },
      });
      this.phase = 'snapshot';
    } else {
      if (!slot.exists) {
        const creator = await SlotCreator.create(cfg.connection, cfg.slotName, cfg.pluginName, this.server.versionNum, { exportSnapshot: false, failover: cfg.slotFailover });
        this.consistentPoint = creator.slot.consistentPoint;
        await creator.close();
        if (cfg.slotFailover) await ensureFailoverSlot(this.sql, cfg, this.log);
        this.log.info({ slot: cfg.slotName, consistentPoint: formatLsn(this.consistentPoint) }, 'slot created (no snapshot)');
      } else {
        this.consistentPoint = slot.confirmedFlush;
        if (cfg.slotFailover) await ensureFailoverSlot(this.sql, cfg, this.log);
      }
      await this.startStream(stored, slot.exists ? slot.confirmedFlush : this.consistentPoint);
    }
  }

  private async startStream(stored: PgPosition | null, slotFlush: Lsn): Promise<void> {
    const { cfg } = this;
    await this.takeOverSlot();
    await waitForFreeSlot(this.sql!, cfg.slotName, cfg.slotRetries, this.log, `connector "${this.ctx.connectorName}"`);
    const initialFlush = stored && stored.lsnProc > slotFlush ? stored.lsnProc : slotFlush;
    this.decoder = new ChangeDecoder({
      serverName: cfg.topicPrefix, db: cfg.connection.database, partition: pgPartition(cfg.topicPrefix),
      events: { tombstonesOnDelete: cfg.tombstonesOnDelete, skippedOperations: cfg.skippedOperations, clock: this.clock, contextHeaders: this.contextHeaders },
      messages: {
        include: cfg.messagePrefixes,
        // Debezium appends ".message" to the logical name, whatever topic.delimiter says.
        record: { topic: sanitizeTopicName(`${cfg.topicPrefix}.message`), binaryMode: cfg.types.binaryHandlingMode, valueSchema: messageValueSchema(cfg.types.binaryHandlingMode), clock: this.clock },
      },
      txMetadata: cfg.txMetadata, txTopic: sanitizeTopicName(`${cfg.topicPrefix}${cfg.topicDelimiter}${cfg.topicTransaction}`),
    }, this.tables!, stored, slotFlush);
    this.stream = new ReplicationStream({
      settings: cfg.connection, slotName: cfg.slotName, publicationNames: [cfg.publicationName], initialFlush,
      queueCapacity: cfg.maxQueueSize, statusIntervalMs: cfg.statusIntervalMs, log: this.log,
    });
    await this.stream.start();
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
      case 'snapshot': return this.pollSnapshot();
      case 'stream': return this.pollStream(maxWaitMs);
      default:
        await new Promise((r) => setTimeout(r, Math.min(maxWaitMs, 200)));
        return [];
    }
  }

  private async pollSnapshot(): Promise<SourceUnit[]> {
    const units: SourceUnit[] = [];
    const partition = pgPartition(this.cfg.topicPrefix);
    const inProgress: JsonMap = { snapshot: 'INITIAL', lsn: Number(this.consistentPoint), last_snapshot_record: false };
    while (units.length < this.cfg.maxBatchSize) {
      const next = await this.snapshotRows!.next();
      if (next.done) {
        await this.snapSql!.query('COMMIT').catch(() => undefined);
        await this.snapSql!.end().catch(() => undefined);
        this.snapSql = null;
        this.snapshotRows = null;
        this.ctx.metrics.snapshotRunning(false);
        this.log.info({ rows: this.snapshotCount }, 'initial snapshot read completely; committing it');
        const done: PgPosition = { lsnProc: this.consistentPoint, lsnCommit: null, lsn: this.consistentPoint, eventsProcessed: 0, txId: null, tsUsec: BigInt(Date.now()) * 1000n, snapshotCompleted: true };
        units.push({ records: [], partition, offset: encodePosition(done), commitAfter: true });
        if (this.cfg.snapshotMode === 'initial_only') {
          // The slot only served the exported snapshot; kept, it would pin WAL forever.
          this.phase = 'done';
          await dropSlot(this.sql!, this.cfg.slotName).catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'could not drop the snapshot slot'));
        } else await this.startStream(done, this.consistentPoint);
        return units;
      }
      const { table, row, marker } = next.value;
      this.snapshotCount++;
      const source = {
        serverName: this.cfg.topicPrefix, db: this.cfg.connection.database, schema: table.schemaName, table: table.tableName,
        // Debezium reads the clock with microsecond precision for each snapshot row.
        tsUs: this.clock.nowNs() / 1000n, snapshot: marker, txId: this.snapshotTxId, lsn: this.consistentPoint, lastCommitLsn: null,
      };
      const records = changeRecords(table, { kind: 'read', after: row }, source, () => null, {
        tombstonesOnDelete: false, skippedOperations: new Set<Op>(), clock: this.clock, contextHeaders: this.contextHeaders,
      });
      units.push({ records, partition, offset: inProgress, holdTransaction: true });
    }
    return units;
  }

  private async pollStream(maxWaitMs: number): Promise<SourceUnit[]> {
    const stream = this.stream!, decoder = this.decoder!;
    const items = await stream.take(this.cfg.maxBatchSize, maxWaitMs);
    const units: SourceUnit[] = [];
    let lastLsn = 0n;
    for (const item of items) {
      if (item.kind === 'message') {
        lastLsn = item.lsn > lastLsn ? item.lsn : lastLsn;
        const u = await decoder.handle(item.lsn, item.msg);
        if (u) units.push(u);
      } else if (stream.queued === 0 && Date.now() - this.lastIdleUnit >= this.cfg.statusIntervalMs) {
        // Idle: let the slot move past WAL written by other tables and databases (invariant 5).
        const u = decoder.idle(item.walEnd);
        if (u) { units.push(u); this.lastIdleUnit = Date.now(); }
      }
    }
    if (this.cfg.heartbeatIntervalMs > 0 && Date.now() - this.lastHeartbeat >= this.cfg.heartbeatIntervalMs) {
      this.lastHeartbeat = Date.now();
      if (this.cfg.heartbeatQuery) {
        await this.sql!.query(this.cfg.heartbeatQuery).catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'heartbeat.action.query failed'));
      }
      const u = decoder.heartbeatUnit([this.heartbeatRecord()]);
      if (u) units.push(u);
    }
    this.ctx.metrics.queueDepth(stream.queued);
    if (lastLsn > 0n) this.ctx.metrics.receivedLsn(lastLsn);
    return units;
  }

  private heartbeatRecord(): SourceRecord {
    return {
      topic: sanitizeTopicName(`${this.cfg.heartbeatPrefix}${this.cfg.topicDelimiter}${this.cfg.topicPrefix}`),
      kafkaPartition: 0,
      keySchema: HEARTBEAT_KEY_SCHEMA, key: { serverName: this.cfg.topicPrefix },
      valueSchema: HEARTBEAT_VALUE_SCHEMA, value: { ts_ms: BigInt(Date.now()) },
    };
  }

  committed(_partition: JsonMap, offset: JsonMap): void {
    this.lastCommitted = Date.now();
    const ts = offset.ts_usec;
    // Only positions of source transactions carry a commit time; idle keepalives mean "caught up".
    this.lastSourceLagMs = typeof ts === 'number' && offset.lsn_commit !== null ? Math.max(0, Date.now() - ts / 1000) : 0;
    if (!this.stream) return;
    const p = decodePosition(offset, 'committed offset');
    // lsn_proc is the end of the last source transaction wholly in Kafka: exactly what may be flushed.
    this.stream.confirm(p.lsnProc);
    this.ctx.metrics.flushedLsn(this.stream.flushedLsn);
  }

  health(): { stalled: string | null; catchingUp?: string | null } {
    const s = this.stream;
    if (this.phase !== 'stream' || !s) return { stalled: null, catchingUp: this.notice };
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
    // Behind but moving: the newest committed change is old (a backlog is being worked off).
    if (this.lastSourceLagMs > 10_000) {
      return { stalled: null, catchingUp: 'catching up: committed changes are more than 10 s behind the source (see cdc_source_lag_seconds)' };
    }
    return { stalled: null, catchingUp: this.notice };
  }

  finished(): boolean {
    return this.phase === 'done';
  }

  async stop(): Promise<void> {
    const stream = this.stream, sql = this.sql, snapSql = this.snapSql;
    this.stream = null; this.sql = null; this.snapSql = null;
    if (this.phase !== 'done') this.phase = 'stopped';
    await stream?.stop();
    await snapSql?.end().catch(() => undefined);
    await sql?.end().catch(() => undefined);
  }
}

export function decideSnapshot(mode: PgTaskConfig['snapshotMode'], stored: PgPosition | null, slotExists: boolean): boolean {
  switch (mode) {
    case 'initial': return !stored || !stored.snapshotCompleted;
    case 'initial_only': return !stored || !stored.snapshotCompleted;
    case 'when_needed': return !stored || !stored.snapshotCompleted || !slotExists;
    case 'never': case 'no_data': return false;
  }
}
