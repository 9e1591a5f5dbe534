/**
 * The MySQL/MariaDB source task: composition root and lifecycle. start() checks the server,
 * finds where to read from (the stored offset, checked against the binlogs still on the server,
 * or the current end of the binlog), decides the initial snapshot by snapshot.mode, and starts
 * the stream with the chunked snapshot beside it (snapshot-run.ts); poll() hands out units;
 * committed() records what Kafka holds (the binlog needs no acknowledgement).
 */
import { randomUUID } from 'node:crypto';
import type { JsonMap, SourceUnit } from '../../src/events/record.ts';
import type { SourceTask, SourceTaskContext } from '../../src/runtime/source-task.ts';
import { sanitizeTopicName, systemClock } from '../../src/events/envelope.ts';
import type { Logger } from '../../src/log/logger.ts';
import { readMysqlTaskConfig, type MysqlTaskConfig } from './config-task.ts';
import { openSql, type SqlConnection } from './server-checks-connect.ts';
import { checkServer } from './server-checks.ts';
import { binlogDistance, listBinaryLogs } from './server-checks-binlog.ts';
import { binlogOrdinal, decodeMySqlPosition, encodeMySqlPosition, isComplete, mysqlPartition, type MySqlPosition } from './offsets.ts';
import { MySqlTableRegistry } from './table-registry.ts';
import { sqlRunner } from './table-schema.ts';
import { MySqlStreaming } from './streaming.ts';
import { TxMetadata } from './tx-metadata.ts';
import { buildTableModel } from './table-model.ts';
import { changeRecords, debeziumContextHeaders } from './change-events.ts';
import { modelSettings, taskNameAdjusters } from './table-model-settings.ts';
import { binlogHead, decideMysqlSnapshot } from './snapshot-plan.ts';
import { openMySqlSnapshot, type MySqlSnapshotRun } from './snapshot-run.ts';
import { BinlogRetentionWatch } from './binlog-retention.ts';
import { capturedTables } from './server-checks-tables.ts';
import { SchemaTracking } from './schema-tracking.ts';
import { gtidSourceFilter } from './gtid-filter.ts';
import { MySqlSignalTable } from './signal-table.ts';
import { SignalHub } from '../../src/snapshot/signals/signal-hub.ts';
import { readSignalConfig } from '../../src/snapshot/signals/signal-config.ts';

type Phase = 'idle' | 'stream' | 'done' | 'stopped';

export class MySqlSourceTask implements SourceTask {
  private phase: Phase = 'idle';
  private cfg!: MysqlTaskConfig;
  private ctx!: SourceTaskContext;
  private log!: Logger;
  private sql: SqlConnection | null = null;
  private streaming: MySqlStreaming | null = null;
  private snapshot: MySqlSnapshotRun | null = null;
  private lastCommitted = Date.now();
  private lastSourceLagMs = 0;
  private initialOnlyDone = false;
  private retention: BinlogRetentionWatch | null = null;
  private signals: SignalHub | null = null;

  async start(ctx: SourceTaskContext): Promise<void> {
    this.ctx = ctx;
    this.cfg = readMysqlTaskConfig(ctx.config);
    this.log = ctx.log.child({ task: ctx.taskId });
    const { cfg } = this;
    const where = `connector "${ctx.connectorName}"`;
    this.sql = await openSql(cfg.connection, where);
    const report = await checkServer(this.sql, cfg, where);
    for (const w of report.warnings) this.log.warn({ server: `${cfg.connection.host}:${cfg.connection.port}` }, w);
    const flavor = report.facts.version.flavour;
    const partition = mysqlPartition(cfg.events.topicPrefix);
    const storedMap = ctx.offsets.get(partition);
    let stored = storedMap ? decodeMySqlPosition(storedMap, `${where}, stored offset`) : null;
    this.log.info({ offset: storedMap }, stored ? 'resuming from the committed offset' : 'no committed offset');
    if (cfg.snapshot.mode === 'initial_only' && stored?.snapshotCompleted) { this.phase = 'done'; return; }

    if (stored) {
      const d = binlogDistance(await listBinaryLogs(this.sql), stored, `${where}, stored offset`, `${flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} ${cfg.connection.host}:${cfg.connection.port}`);
      if (d.kind !== 'available') {
        if (cfg.snapshot.mode !== 'when_needed') throw d.error;
        this.log.warn({ file: stored.file, pos: stored.pos, oldest: d.oldest }, 'the stored binlog position is gone; snapshot.mode=when_needed: taking a new snapshot from the current position');
        stored = null;
      }
    }
    const plan = decideMysqlSnapshot(cfg.snapshot.mode, stored, storedMap ?? null);
    const head = await binlogHead(this.sql);
    const start: MySqlPosition = stored ?? {
      serverId: Number(report.facts.vars.get('server_id') ?? 0), file: head.file, pos: head.pos, gtids: head.gtids, gtid: null, events: 0, rows: 0,
      tsSec: Math.floor(Date.now() / 1000), snapshot: false, snapshotCompleted: !plan.fresh,
    };
    const settings = modelSettings(cfg, taskNameAdjusters(cfg, this.log));
    const registry = new MySqlTableRegistry({
      cfg, run: sqlRunner(this.sql as never), flavor, log: this.log, where,
      build: (t) => {
        const m = buildTableModel(t, settings);
        for (const c of m.skippedColumns) this.log.warn({ table: m.id, column: c.column }, c.reason);
        return m;
      },
    });
    const contextHeaders = cfg.events.extendedHeaders ? debeziumContextHeaders(cfg.events.topicPrefix, ctx.taskId, randomUUID(), cfg.flavour) : null;
    // One clock for the run: the envelopes' processing timestamps (not one per row).
    const events = { tombstonesOnDelete: cfg.events.tombstonesOnDelete, skippedOperations: cfg.events.skippedOperations, contextHeaders, clock: systemClock() };
    const captured = (await capturedTables(this.sql, cfg)).map((t) => `${t.database}.${t.table}`);
    const serverId = Number(report.facts.vars.get('server_id') ?? 0);
    const tracking = await SchemaTracking.open({ cfg, ctx, log: this.log, run: sqlRunner(this.sql as never), flavor, registry, events, serverId: () => serverId, where }, stored ? storedMap ?? null : null);
    // A fresh start records the captured tables' definitions at the start position in the history.
    const seed = stored ? [] : await tracking.seed(captured, encodeMySqlPosition(start));
    // The snapshot engine runs beside the stream for the whole run: the initial snapshot, and the
    // incremental and blocking snapshots signals ask for.
    this.snapshot = await openMySqlSnapshot({
      cfg, ctx, log: this.log, registry, where, events, changeRecords, captured, serverId: () => serverId,
      stored: plan.fresh ? null : storedMap ?? null, initial: plan.fresh,
    });
    const signalConfig = readSignalConfig(ctx.config, cfg.events.topicPrefix);
    const signalTable = MySqlSignalTable.fromConfig(signalConfig.dataCollections, where);
    this.signals = new SignalHub({
      connectorName: ctx.connectorName, config: signalConfig, commands: this.snapshot.engine, log: this.log,
      capturedTables: () => captured, kafka: ctx.signalKafka ?? null,
      handled: (channel, type, outcome) => ctx.metrics.signalHandled(channel, type, outcome),
    });
    await this.signals.start(storedMap ?? null);
    const hub = this.signals;
    this.streaming = new MySqlStreaming({
      cfg, ctx, log: this.log, sql: this.sql,
      units: {
        serverName: cfg.events.topicPrefix, partition, registry, changeRecords, events,
        includeQuery: cfg.binlog.includeQuery, maxRecordsPerUnit: cfg.flow.maxBatchSize,
        txMetadata: cfg.events.txMetadata ? new TxMetadata(sanitizeTopicName(`${cfg.events.topicPrefix}${cfg.events.topicDelimiter}${cfg.events.topicTransaction}`)) : null,
        log: this.log, where,
        onFiltered: (rows) => ctx.metrics.eventsFiltered(rows),
        onDdl: (e, position) => tracking.onDdl(e, position),
        ...(cfg.gtid.filterDmlEvents && (cfg.gtid.includes.length > 0 || cfg.gtid.excludes.length > 0) ? { gtidPasses: gtidSourceFilter(cfg.gtid.includes, cfg.gtid.excludes) } : {}),
        ...(signalTable.enabled ? {
          onSignalRows: (db: string, table: string, rows: readonly Record<string, unknown>[]) => {
            if (!signalTable.has(db, table)) return false;
            for (const row of rows) hub.fromSource(MySqlSignalTable.signalOf(row));
            return true;
          },
        } : {}),
      },
      companion: this.snapshot?.companion ?? null,
      firstInternalRecords: seed,
      signals: hub,
    });
    this.retention = new BinlogRetentionWatch(this.sql, ctx.metrics, this.log, `${where}, committed offset`, `${flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} ${cfg.connection.host}:${cfg.connection.port}`);
    this.retention.setCommitted(start.file, start.pos);
    this.retention.start(30_000);
    void this.retention.check();
    const from = stored && !isComplete(stored) ? stored : start;
    await this.streaming.start(stored, from);
    this.phase = 'stream';
  }

  async poll(maxWaitMs: number): Promise<SourceUnit[]> {
    if (this.phase !== 'stream') {
      await new Promise((r) => setTimeout(r, Math.min(maxWaitMs, 200)));
      return [];
    }
    if (this.initialOnlyDone) {
      this.log.info({ mode: 'initial_only' }, 'initial snapshot committed; the connector is finished');
      await this.stopParts();
      this.phase = 'done';
      return [];
    }
    return this.streaming!.poll(maxWaitMs);
  }

  committed(_partition: JsonMap, offset: JsonMap): void {
    this.lastCommitted = Date.now();
    if (typeof offset.file === 'string' && typeof offset.pos === 'number') {
      this.ctx.metrics.sourcePosition('flushed', binlogOrdinal(offset.file, offset.pos));
      this.retention?.setCommitted(offset.file, offset.pos);
    }
    const ts = offset.ts_sec;
    this.lastSourceLagMs = typeof ts === 'number' && offset.event === undefined ? Math.max(0, Date.now() - ts * 1000) : 0;
    if (this.snapshot && this.cfg.snapshot.mode === 'initial_only' && offset.snapshot_completed === true) this.initialOnlyDone = true;
  }

  health(): { stalled: string | null; catchingUp?: string | null } {
    const s = this.streaming;
    if (this.phase !== 'stream' || !s) return { stalled: null };
    const reader = s.binlogReader;
    // The server sends a heartbeat every period when idle: three missed ones mean the connection is gone.
    if (s.heartbeatMs > 0 && s.silentForMs() > 3 * s.heartbeatMs + 5000) {
      return { stalled: `no binlog event or heartbeat from the server for more than ${Math.round((3 * s.heartbeatMs + 5000) / 1000)} s; reconnecting (is the server stopped or the network down?)` };
    }
    const stallMs = this.ctx.config.getLong('stall.timeout.ms') ?? 60000;
    if ((reader?.stats.queuedRows ?? 0) > 0 && Date.now() - this.lastCommitted > stallMs) {
      return { stalled: `changes are waiting but nothing was committed to Kafka for more than ${Math.round(stallMs / 1000)} s; is Kafka reachable?` };
    }
    if (this.lastSourceLagMs > 10_000) return { stalled: null, catchingUp: 'catching up: committed changes are more than 10 s behind the binlog (see cdc_source_lag_seconds)' };
    return { stalled: null, catchingUp: this.retention?.warning ?? this.snapshot?.status() ?? null };
  }

  finished(): boolean {
    return this.phase === 'done';
  }

  private async stopParts(): Promise<void> {
    const streaming = this.streaming, snapshot = this.snapshot, signals = this.signals;
    this.streaming = null; this.snapshot = null; this.signals = null;
    await signals?.stop();
    this.retention?.stop();
    this.retention = null;
    await streaming?.stop();
    await snapshot?.close();
  }

  async stop(): Promise<void> {
    if (this.phase !== 'done') this.phase = 'stopped';
    await this.stopParts();
    const sql = this.sql;
    this.sql = null;
    await sql?.end().catch(() => undefined);
  }
}
