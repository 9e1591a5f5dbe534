/**
 * Per-task metrics, created against a registry handed in by the composition
 * root (no global prom-client registry). Names follow Prometheus conventions;
 * labels carry connector and task. Nothing here is named after a database: a source's
 * position gauges take the names its plugin gives (PluginMetricNames), so PostgreSQL keeps
 * cdc_postgres_received_lsn and cdc_postgres_flushed_lsn.
 * What a Debezium or Kafka Connect user knows under JMX names (MilliSecondsBehindSource,
 * source-record-poll-total, ...) is fed here by the shared task runner, snapshot reporter and
 * connector instance, so a plugin feeds them through the contracts it already has
 * (SourceUnit records, SnapshotProgress, ctx.metrics). The mapping: docs/metrics.md.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface GaugeSpec {
  readonly name: string;
  readonly help: string;
}

/**
 * Names of the gauges fed by TaskMetrics.sourcePosition (src/metrics/task-metrics.ts), so that a
 * plugin keeps the metric names its dashboards know (cdc_postgres_received_lsn, ...). A plugin
 * without them gets cdc_source_received_position and cdc_source_flushed_position.
 */
export interface PluginMetricNames {
  /** the newest position read from the source */
  readonly receivedPosition: GaugeSpec;
  /** the newest position confirmed to the source (committed in Kafka) */
  readonly flushedPosition: GaugeSpec;
  /**
   * Every other gauge its tasks create through TaskMetrics.sourceGauge: registered up front so
   * that /metrics (and docs/metrics.md, which a test keeps equal to the registry) list them.
   */
  readonly gauges?: readonly GaugeSpec[];
}

/** The position gauges of a plugin that names none. */
export const DEFAULT_POSITION_GAUGES: PluginMetricNames = {
  receivedPosition: { name: 'cdc_source_received_position', help: 'Newest source position read (as a number: an LSN, a binlog offset...)' },
  flushedPosition: { name: 'cdc_source_flushed_position', help: 'Newest source position confirmed to the source after its Kafka commit' },
};

const TASK_STATES = ['UNASSIGNED', 'RUNNING', 'STALLED', 'RESTARTING', 'PAUSED', 'FAILED', 'STOPPED'] as const;
/** Connect's connector states (a FAILED task leaves its connector RUNNING). */
const CONNECTOR_STATES = ['UNASSIGNED', 'RUNNING', 'PAUSED', 'FAILED', 'STOPPED', 'RESTARTING'] as const;

/** Debezium's per-operation counters (TotalNumberOfCreateEventsSeen, ...) by envelope op code. */
export const OP_LABELS = { c: 'create', u: 'update', d: 'delete', r: 'read', t: 'truncate', m: 'message' } as const;
export type ChangeOp = keyof typeof OP_LABELS;

export interface TaskMetrics {
  eventsWritten(n: number): void;
  transactionCommitted(records: number, seconds: number): void;
  /** The final flush and commit of a Kafka transaction (which commits the offsets) took this long. */
  offsetCommit(seconds: number): void;
  /** A Kafka transaction (and the offsets in it) could not be committed. */
  offsetCommitFailed(): void;
  /** Records a poll of the source handed out (before transforms; Connect's source-record-poll-total). */
  recordsPolled(n: number): void;
  /** Change events a poll handed out, by envelope op (Debezium's TotalNumberOf<Op>EventsSeen); sets the last-event time. */
  changeEvents(op: ChangeOp, n: number): void;
  /** Source changes the connector's filters dropped (table/collection lists, gtid.source.*): Debezium's NumberOfEventsFiltered. */
  eventsFiltered(n: number): void;
  /** The task started: it is connected to its source (Debezium's Connected = 1). */
  sourceConnected(): void;
  /** The attempt ended (stop, failure, retry): not connected; a snapshot it was running is aborted. */
  attemptEnded(): void;
  /** Capacity of the queue between the source socket and Kafka (max.queue.size). */
  queueCapacity(n: number): void;
  /** Tables the running snapshot still has to read (queued or running) of `total`. */
  snapshotTables(remaining: number, total: number): void;
  /** The snapshot ended: read completely, or stopped before (task stopped or failed, stop-snapshot signal). */
  snapshotEnded(outcome: 'completed' | 'aborted'): void;
  /** The connector's state as its status says (Connect's connector status). */
  connectorState(state: string): void;
  commitToVisibleLatency(seconds: number): void;
  sourceLag(seconds: number): void;
  snapshotProgress(table: string, rows: number, estimated: number): void;
  snapshotRunning(running: boolean): void;
  /** Chunks of a table read and emitted by the chunked snapshot so far. */
  snapshotChunks(table: string, chunks: number): void;
  /** Seconds the running snapshot still needs at its current rate; null = unknown (the gauge is removed). */
  snapshotEta(seconds: number | null): void;
  /**
   * The source's position as one number (PostgreSQL: an LSN): `received` is the newest read,
   * `flushed` the newest confirmed to the source once committed in Kafka. Exported under the
   * names of the plugin's metricNames.
   */
  sourcePosition(kind: 'received' | 'flushed', position: bigint | number): void;
  /**
   * A gauge of the plugin's own with this task's connector and task labels (e.g. the distance
   * from the committed position to the oldest binlog on the server), created on first use and
   * shared by every attempt. Series that must outlive the task belong in the plugin's startExtras.
   */
  sourceGauge(gauge: GaugeSpec): { set(value: number): void; remove(): void };
  queueDepth(n: number): void;
  /** 1 for the task's current state (RUNNING, STALLED, RESTARTING, FAILED, ...), 0 for the others */
  taskState(state: string): void;
  /** A record whose conversion failed for good: skipped (errors.tolerance=all) or failing the task. */
  conversionFailure(outcome: 'skipped' | 'failed'): void;
  /** A retriable conversion failure retried (errors.retry.timeout). */
  conversionRetry(): void;
  /** A signal handled (src/snapshot/signals): its channel, type (known types, else "other") and what came of it. */
  signalHandled(channel: string, type: string, outcome: 'applied' | 'rejected' | 'ignored'): void;
  /** A tolerated error written to the log (errors.log.enable). */
  errorLogged(): void;
  /** A source value written with less information than the source holds, as Debezium writes it (e.g. numeric NaN as null). */
  valueReplaced(): void;
}

/** What every prom-client metric offers (the registry hands out a narrower type). */
interface Removable {
  get(): Promise<{ values: { labels: Record<string, string | number> }[] }>;
  remove(labels: Record<string, string | number>): void;
}

export class PromMetricsFactory {
  private readonly events: Counter<string>;
  private readonly txns: Counter<string>;
  private readonly txnSeconds: Histogram<string>;
  private readonly latency: Histogram<string>;
  private readonly lag: Gauge<string>;
  private readonly snapRows: Gauge<string>;
  private readonly snapEst: Gauge<string>;
  private readonly snapRunning: Gauge<string>;
  private readonly snapChunks: Gauge<string>;
  private readonly snapEta: Gauge<string>;
  private readonly queue: Gauge<string>;
  private readonly state: Gauge<string>;
  private readonly recordErrors: Counter<string>;
  private readonly skipped: Counter<string>;
  private readonly retries: Counter<string>;
  private readonly errorsLogged: Counter<string>;
  private readonly replaced: Counter<string>;
  private readonly signals: Counter<string>;
  private readonly commitSeconds: Histogram<string>;
  private readonly commitFailures: Counter<string>;
  private readonly polled: Counter<string>;
  private readonly seen: Counter<string>;
  private readonly lastEvent: Gauge<string>;
  private readonly filtered: Counter<string>;
  private readonly connected: Gauge<string>;
  private readonly queueCap: Gauge<string>;
  private readonly snapTables: Gauge<string>;
  private readonly snapRemaining: Gauge<string>;
  private readonly snapCompleted: Gauge<string>;
  private readonly snapAborted: Gauge<string>;
  private readonly connState: Gauge<string>;

  constructor(readonly registry: Registry) {
    const registers = [registry];
    this.events = new Counter({ name: 'cdc_events_written_total', help: 'Change events committed to Kafka', labelNames: ['connector', 'task'], registers });
    this.txns = new Counter({ name: 'cdc_kafka_transactions_total', help: 'Kafka transactions committed', labelNames: ['connector', 'task'], registers });
    this.txnSeconds = new Histogram({ name: 'cdc_kafka_transaction_seconds', help: 'Time to write and commit one Kafka transaction', labelNames: ['connector', 'task'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers });
    this.latency = new Histogram({ name: 'cdc_commit_to_visible_seconds', help: 'Source commit to Kafka commit latency', labelNames: ['connector', 'task'], buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers });
    this.lag = new Gauge({ name: 'cdc_source_lag_seconds', help: 'Age of the newest committed source change when it became visible in Kafka', labelNames: ['connector', 'task'], registers });
    this.snapRows = new Gauge({ name: 'cdc_snapshot_rows', help: 'Rows read so far by the running snapshot, per table', labelNames: ['connector', 'task', 'table'], registers });
    this.snapEst = new Gauge({ name: 'cdc_snapshot_rows_estimated', help: 'Estimated rows of a table being snapshotted (pg_class.reltuples)', labelNames: ['connector', 'task', 'table'], registers });
    this.snapRunning = new Gauge({ name: 'cdc_snapshot_running', help: '1 while an initial snapshot runs', labelNames: ['connector', 'task'], registers });
    this.snapChunks = new Gauge({ name: 'cdc_snapshot_chunks', help: 'Chunks of a table read and emitted by the chunked snapshot so far', labelNames: ['connector', 'task', 'table'], registers });
    this.snapEta = new Gauge({ name: 'cdc_snapshot_eta_seconds', help: 'Seconds the running snapshot still needs at its current rate (absent while unknown)', labelNames: ['connector', 'task'], registers });
    this.state = new Gauge({ name: 'cdc_task_state', help: '1 for the task\'s current state', labelNames: ['connector', 'task', 'state'], registers });
    // Connect's task-error-metrics (total-record-errors, total-records-skipped, total-retries, total-errors-logged).
    this.recordErrors = new Counter({ name: 'cdc_task_record_errors_total', help: 'Records whose transformation, or key, value or header conversion, failed (after retries)', labelNames: ['connector', 'task'], registers });
    this.skipped = new Counter({ name: 'cdc_task_records_skipped_total', help: 'Records skipped because a transform or their conversion failed and errors.tolerance=all', labelNames: ['connector', 'task'], registers });
    this.retries = new Counter({ name: 'cdc_task_retries_total', help: 'Conversion attempts retried after a retriable failure (errors.retry.timeout)', labelNames: ['connector', 'task'], registers });
    this.errorsLogged = new Counter({ name: 'cdc_task_errors_logged_total', help: 'Tolerated errors written to the log (errors.log.enable)', labelNames: ['connector', 'task'], registers });
    this.replaced = new Counter({ name: 'cdc_values_replaced_total', help: 'Source values written as Debezium writes them although information is lost (numeric NaN/Infinity as null in precise mode, multi-dimensional arrays, timetz 24:00)', labelNames: ['connector', 'task'], registers });
    this.signals = new Counter({ name: 'cdc_signals_total', help: 'Signals handled, by channel (source, kafka, rest), type and outcome (applied, rejected, ignored)', labelNames: ['connector', 'task', 'channel', 'type', 'outcome'], registers });
    this.queue = new Gauge({ name: 'cdc_source_queue_depth', help: 'Decoded messages waiting between the source socket and Kafka', labelNames: ['connector', 'task'], registers });
    const labelNames = ['connector', 'task'];
    this.commitSeconds = new Histogram({ name: 'cdc_offset_commit_seconds', help: 'Time to flush and commit the Kafka transaction that holds the records and their offsets', labelNames, buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers });
    this.commitFailures = new Counter({ name: 'cdc_offset_commit_failures_total', help: 'Kafka transactions (records and offsets) that could not be committed', labelNames, registers });
    this.polled = new Counter({ name: 'cdc_source_records_polled_total', help: 'Records the source task handed out, before transforms', labelNames, registers });
    this.seen = new Counter({ name: 'cdc_source_events_total', help: 'Change events the source task handed out, by operation (create, update, delete, read, truncate, message)', labelNames: [...labelNames, 'op'], registers });
    this.lastEvent = new Gauge({ name: 'cdc_source_last_event_timestamp_seconds', help: 'Unix time at which the task last handed out a change event', labelNames, registers });
    this.filtered = new Counter({ name: 'cdc_source_events_filtered_total', help: 'Source changes dropped by the connector\'s filters (include/exclude lists, gtid.source.*)', labelNames, registers });
    this.connected = new Gauge({ name: 'cdc_source_connected', help: '1 while the task is connected to its source and running, else 0', labelNames, registers });
    this.queueCap = new Gauge({ name: 'cdc_source_queue_capacity', help: 'Capacity of the queue between the source socket and Kafka (max.queue.size)', labelNames, registers });
    this.snapTables = new Gauge({ name: 'cdc_snapshot_tables', help: 'Tables the current or last snapshot covers', labelNames, registers });
    this.snapRemaining = new Gauge({ name: 'cdc_snapshot_remaining_tables', help: 'Tables the current snapshot has not finished yet', labelNames, registers });
    this.snapCompleted = new Gauge({ name: 'cdc_snapshot_completed', help: '1 once the last snapshot was read completely (0 while one runs)', labelNames, registers });
    this.snapAborted = new Gauge({ name: 'cdc_snapshot_aborted', help: '1 when the last snapshot stopped before it was complete (0 while one runs)', labelNames, registers });
    this.connState = new Gauge({ name: 'cdc_connector_state', help: '1 for the connector\'s current state', labelNames: ['connector', 'state'], registers });
  }

  /** One gauge per name on this registry, however many connectors or attempts ask for it (labels connector, task). */
  private positionGauge(g: GaugeSpec): Gauge<string> {
    const existing = this.registry.getSingleMetric(g.name);
    if (existing instanceof Gauge) return existing as Gauge<string>;
    return new Gauge({ name: g.name, help: g.help, labelNames: ['connector', 'task'], registers: [this.registry] });
  }

  /**
   * States the herder decides without a running task (PAUSED, STOPPED, a config that cannot
   * start): one series per state, 1 for the current one; null removes the connector's (or task's)
   * series (deleted, or a STOPPED connector, which has no task); a deleted connector loses every series.
   */
  statusDecided(connector: string, connectorState: string | null, task: { id: number; state: string | null } | null): void {
    if (connectorState === null) void this.forget(connector);
    for (const st of CONNECTOR_STATES) {
      if (connectorState === null) this.connState.remove({ connector, state: st });
      else this.connState.set({ connector, state: st }, st === connectorState ? 1 : 0);
    }
    if (task === null) return;
    for (const st of TASK_STATES) {
      const l = { connector, task: String(task.id), state: st };
      if (task.state === null) this.state.remove(l);
      else this.state.set(l, st === task.state ? 1 : 0);
    }
  }

  /** A deleted connector: every series labelled with it goes (Connect removes its metric groups). */
  private async forget(connector: string): Promise<void> {
    for (const m of this.registry.getMetricsAsArray() as unknown as Removable[]) {
      const series = (await m.get()).values;
      // a histogram's buckets carry `le`; removing its sum/count labels removes them too
      for (const v of series) if (v.labels['connector'] === connector && !('le' in v.labels)) m.remove(v.labels);
    }
  }

  forTask(connector: string, task: number, names: PluginMetricNames = DEFAULT_POSITION_GAUGES): TaskMetrics {
    const l = { connector, task: String(task) };
    const received = this.positionGauge(names.receivedPosition);
    const flushed = this.positionGauge(names.flushedPosition);
    for (const g of names.gauges ?? []) this.positionGauge(g);
    // Counters start at 0 (Prometheus practice): rate() and alerts see a series from the task's start,
    // and a dashboard panel on, e.g., commit failures has a line before the first failure.
    for (const c of [this.events, this.txns, this.commitFailures, this.polled, this.filtered, this.recordErrors, this.skipped, this.retries, this.errorsLogged, this.replaced]) c.inc(l, 0);
    for (const op of Object.values(OP_LABELS)) this.seen.inc({ ...l, op }, 0);
    let snapshotOn = false; // this attempt's snapshot is running (snapshotRunning(true) seen, no end yet)
    return {
      offsetCommit: (s) => this.commitSeconds.observe(l, s),
      offsetCommitFailed: () => this.commitFailures.inc(l),
      recordsPolled: (n) => this.polled.inc(l, n),
      changeEvents: (op, n) => { this.seen.inc({ ...l, op: OP_LABELS[op] }, n); this.lastEvent.set(l, Date.now() / 1000); },
      eventsFiltered: (n) => this.filtered.inc(l, n),
      sourceConnected: () => this.connected.set(l, 1),
      attemptEnded: () => {
        this.connected.set(l, 0);
        if (snapshotOn) { snapshotOn = false; this.snapRunning.set(l, 0); this.snapAborted.set(l, 1); this.snapEta.remove(l); }
      },
      queueCapacity: (n) => this.queueCap.set(l, n),
      snapshotTables: (remaining, total) => { this.snapRemaining.set(l, remaining); this.snapTables.set(l, total); },
      snapshotEnded: (outcome) => {
        this.snapRunning.set(l, 0);
        snapshotOn = false;
        if (outcome === 'completed') this.snapRemaining.set(l, 0);
        this.snapCompleted.set(l, outcome === 'completed' ? 1 : 0);
        this.snapAborted.set(l, outcome === 'aborted' ? 1 : 0);
        this.snapEta.remove(l);
      },
      connectorState: (s) => { for (const st of CONNECTOR_STATES) this.connState.set({ connector, state: st }, st === s ? 1 : 0); },
      eventsWritten: (n) => this.events.inc(l, n),
      transactionCommitted: (records, seconds) => { this.txns.inc(l); this.txnSeconds.observe(l, seconds); void records; },
      commitToVisibleLatency: (s) => this.latency.observe(l, s),
      sourceLag: (s) => this.lag.set(l, s),
      snapshotProgress: (table, rows, est) => { this.snapRows.set({ ...l, table }, rows); this.snapEst.set({ ...l, table }, est); },
      snapshotRunning: (r) => {
        // A snapshot that starts clears the outcome of the previous one (Debezium resets both flags).
        if (r && !snapshotOn) { this.snapCompleted.set(l, 0); this.snapAborted.set(l, 0); }
        snapshotOn = r;
        this.snapRunning.set(l, r ? 1 : 0);
      },
      snapshotChunks: (table, chunks) => this.snapChunks.set({ ...l, table }, chunks),
      snapshotEta: (s) => { if (s === null) this.snapEta.remove(l); else this.snapEta.set(l, s); },
      sourcePosition: (kind, position) => (kind === 'received' ? received : flushed).set(l, Number(position)),
      sourceGauge: (spec) => {
        const g = this.positionGauge(spec);
        return { set: (v) => g.set(l, v), remove: () => g.remove(l) };
      },
      queueDepth: (n) => this.queue.set(l, n),
      taskState: (s) => { for (const st of TASK_STATES) this.state.set({ ...l, state: st }, st === s ? 1 : 0); },
      conversionFailure: (outcome) => { this.recordErrors.inc(l); if (outcome === 'skipped') this.skipped.inc(l); },
      conversionRetry: () => this.retries.inc(l),
      errorLogged: () => this.errorsLogged.inc(l),
      valueReplaced: () => this.replaced.inc(l),
      signalHandled: (channel, type, outcome) => this.signals.inc({ ...l, channel, type, outcome }),
    };
  }
}

export function noopTaskMetrics(): TaskMetrics {
  return {
    eventsWritten() {}, transactionCommitted() {}, commitToVisibleLatency() {}, sourceLag() {},
    snapshotProgress() {}, snapshotRunning() {}, snapshotChunks() {}, snapshotEta() {}, sourcePosition() {}, sourceGauge: () => ({ set() {}, remove() {} }), queueDepth() {}, taskState() {},
    conversionFailure() {}, conversionRetry() {}, errorLogged() {}, valueReplaced() {}, signalHandled() {},
    offsetCommit() {}, offsetCommitFailed() {}, recordsPolled() {}, changeEvents() {}, eventsFiltered() {}, sourceConnected() {}, attemptEnded() {},
    queueCapacity() {}, snapshotTables() {}, snapshotEnded() {}, connectorState() {},
  };
}
