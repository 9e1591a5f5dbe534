/**
 * The streaming phase of the MySQL/MariaDB task: the binlog reader (reconnects, back-pressure,
 * heartbeats: binlog-reader.ts), the translation of its events into units (binlog-units.ts),
 * heartbeat records, and what a chunked snapshot beside the stream adds to the units.
 */
import type { InternalRecord, SourceRecord, SourceUnit } from '../../src/events/record.ts';
import type { SourceTaskContext } from '../../src/runtime/source-task.ts';
import { HEARTBEAT_KEY_SCHEMA, HEARTBEAT_VALUE_SCHEMA, sanitizeTopicName } from '../../src/events/envelope.ts';
import type { Logger } from '../../src/log/logger.ts';
import type { SignalHub } from '../../src/snapshot/signals/signal-hub.ts';
import { BinlogReader } from './binlog-reader.ts';
import type { BinlogEvent } from './binlog-events.ts';
import { BinlogUnits, type BinlogUnitsDeps, type StreamObserver } from './binlog-units.ts';
import type { MysqlTaskConfig } from './config-task.ts';
import { binlogOrdinal, type MySqlPosition } from './offsets.ts';
import type { SqlConnection } from './server-checks-connect.ts';
import { binlogConnection } from './binlog-connection.ts';

/** A snapshot beside the stream (the chunked snapshot's companion). */
export interface MySqlStreamCompanion extends StreamObserver {
  /** Called once per unit in order, and at the end of each poll (unit null). */
  decorate(unit: SourceUnit | null, betweenTransactions: boolean, unitHere: () => SourceUnit): readonly SourceUnit[];
}

export interface MySqlStreamingDeps {
  readonly cfg: MysqlTaskConfig;
  readonly ctx: SourceTaskContext;
  readonly log: Logger;
  readonly sql: SqlConnection;
  readonly units: Omit<BinlogUnitsDeps, 'observer' | 'serverId'>;
  readonly companion: MySqlStreamCompanion | null;
  /** history records of a fresh start: they go out in the first unit, at the start position */
  readonly firstInternalRecords?: readonly InternalRecord[];
  /** signals: the hub's topic position rides in every offset; its topic signals act between source transactions */
  readonly signals?: SignalHub | null;
}

export class MySqlStreaming {
  private reader: BinlogReader | null = null;
  private units: BinlogUnits | null = null;
  private lastHeartbeat = Date.now();
  private lastPacket = Date.now();
  private seeded = false;

  /** Heartbeat period asked of the server (0 = none). */
  readonly heartbeatMs: number;

  constructor(private readonly deps: MySqlStreamingDeps) {
    const { cfg } = deps;
    this.heartbeatMs = deps.companion ? 1000 : cfg.binlog.keepAlive ? Math.min(cfg.binlog.keepAliveIntervalMs, 10_000) : 0;
  }

  get binlogReader(): BinlogReader | null {
    return this.reader;
  }

  get inTransaction(): boolean {
    return this.units?.inTransaction ?? false;
  }

  /** Starts reading at `start` (a transaction start or a complete position); `stored` says what to skip. */
  async start(stored: MySqlPosition | null, start: MySqlPosition): Promise<void> {
    const { cfg, log } = this.deps;
    this.reader = new BinlogReader({
      connection: binlogConnection(cfg.connection, `connector "${this.deps.ctx.connectorName}"`),
      serverId: cfg.serverId,
      start: { file: start.file, pos: start.pos },
      // The heartbeat keeps a quiet connection provably alive, and moves the position of an idle stream.
      // Beside a chunked snapshot, a 1 s heartbeat closes the window of a chunk read while the binlog is quiet.
      heartbeatIntervalMs: this.heartbeatMs,
      // max.queue.size counts rows, max.queue.size.in.bytes the binlog events' own sizes (0 = no byte bound).
      bounds: { maxRows: cfg.flow.maxQueueSize, maxBytes: cfg.flow.maxQueueBytes > 0 ? cfg.flow.maxQueueBytes : Infinity },
      reconnect: { maxAttempts: cfg.binlog.maxReconnectAttempts > 0 ? cfg.binlog.maxReconnectAttempts : Infinity },
      netWriteTimeoutSec: cfg.binlog.netWriteTimeoutSec,
      netReadTimeoutSec: cfg.binlog.netReadTimeoutSec,
      annotateRows: cfg.binlog.includeQuery,
      where: `connector "${this.deps.ctx.connectorName}", binlog of ${cfg.connection.host}:${cfg.connection.port}`,
      onReconnect: (i) => log.warn({ attempt: i.attempt, delayMs: i.delayMs, err: (i.cause as Error)?.message ?? String(i.cause) }, 'binlog connection dropped; reconnecting from the last position read'),
    });
    const reader = this.reader;
    this.units = new BinlogUnits({ ...this.deps.units, observer: this.deps.companion, serverId: () => reader.sourceServerId ?? 0 }, stored, start);
    // Everything before the start is processed: a chunk window whose position lies there closes at once.
    this.deps.companion?.onPosition(start.file, start.pos);
    await reader.start();
    log.info({ file: start.file, pos: start.pos, gtids: start.gtids, flavor: reader.flavor }, 'reading the binlog');
  }

  async poll(maxWaitMs: number): Promise<SourceUnit[]> {
    const { cfg, ctx, companion } = this.deps;
    const reader = this.reader!, units = this.units!;
    const out: SourceUnit[] = [];
    const hub = this.deps.signals ?? null;
    // Each unit is decorated as soon as it exists: a chunk whose window closed at this point must
    // go out right after it, before any later change of the stream.
    const push = (u: SourceUnit | null): void => {
      const decorated = companion ? companion.decorate(u, !units.inTransaction, () => units.unitHere([])!) : u ? [u] : [];
      for (const d of decorated) out.push(hub ? { ...d, offset: { ...d.offset, ...hub.offsetFields() } } : d);
    };
    const produced: SourceUnit[] = [];
    if (!this.seeded) {
      this.seeded = true;
      const first = this.deps.firstInternalRecords ?? [];
      if (first.length > 0) push({ ...units.unitHere([])!, internalRecords: first, commitAfter: true });
    }
    let handled = 0;
    let waited = false;
    while (handled < cfg.flow.maxBatchSize && out.length < 64) {
      let e: BinlogEvent | null;
      if (reader.stats.queuedRows === 0) {
        if (out.length > 0 || waited) break;
        waited = true;
        const ac = new AbortController();
        // poll.interval.ms: the longest wait for new events before an idle poll returns.
        const t = setTimeout(() => ac.abort(), Math.min(maxWaitMs, cfg.flow.pollIntervalMs));
        try { e = await reader.next(ac.signal); } finally { clearTimeout(t); }
      } else e = await reader.next();
      if (e === null) break;
      this.lastPacket = Date.now();
      handled += e.type === 'rows' ? e.rows.length : 1;
      await units.handle(e, produced);
      for (const u of produced.splice(0)) push(u);
    }
    if (cfg.flow.heartbeatIntervalMs > 0 && Date.now() - this.lastHeartbeat >= cfg.flow.heartbeatIntervalMs && !units.inTransaction) {
      this.lastHeartbeat = Date.now();
      if (cfg.flow.heartbeatQuery) {
        await this.deps.sql.query(cfg.flow.heartbeatQuery).catch((err: unknown) => this.deps.log.warn({ err: (err as Error).message }, 'heartbeat.action.query failed'));
      }
      push(units.unitHere([this.heartbeatRecord()]));
    }
    // Signals of the topic (and REST): applied between source transactions; a unit commits their effect with their position.
    if (hub && !units.inTransaction && hub.poll()) push({ ...units.unitHere([])!, commitAfter: true });
    if (companion) push(null);
    ctx.metrics.queueDepth(reader.stats.queuedRows);
    if (handled > 0) ctx.metrics.sourcePosition('received', binlogOrdinal(units.position.file, units.position.pos));
    return out;
  }

  /** Milliseconds since the last binlog event or heartbeat was handled. */
  silentForMs(): number {
    return Date.now() - this.lastPacket;
  }

  private heartbeatRecord(): SourceRecord {
    const { cfg } = this.deps;
    const prefix = cfg.events.topicPrefix;
    return {
      topic: sanitizeTopicName(`${cfg.flow.heartbeatPrefix}${cfg.events.topicDelimiter}${prefix}`),
      kafkaPartition: 0,
      keySchema: HEARTBEAT_KEY_SCHEMA, key: { serverName: prefix },
      valueSchema: HEARTBEAT_VALUE_SCHEMA, value: { ts_ms: BigInt(Date.now()) },
    };
  }

  async stop(): Promise<void> {
    const r = this.reader;
    this.reader = null;
    await r?.stop();
  }
}
