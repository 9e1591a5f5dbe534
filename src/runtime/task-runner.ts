/**
 * Runs one source task against Kafka with exactly-once delivery:
 *   fence the predecessor -> read committed offsets -> start the task ->
 *   loop { poll units -> convert -> send inside a transaction -> write the
 *          offset record in the same transaction -> commit -> tell the task }.
 * A record is visible to read_committed consumers iff the offset covering it is
 * (DESIGN.md invariant 1), and the task hears about an offset only after the
 * commit (invariant 2). Any failure aborts the open transaction and ends run();
 * the caller builds a new task and runner, which resume from Kafka's state.
 * A record whose conversion fails is handled by the errors.* policy
 * (error-tolerance.ts): skipped records still advance the offset of their unit.
 * Records first go through the connector's transformation chain, when it has one (Connect's
 * order: transforms, then header, key and value converters); a record a transform drops
 * (Filter, a tombstone-dropping SMT) is not written, and its unit's offset still commits in
 * the transaction that would have held it. With no transform configured the stage is skipped.
 * A unit's internalRecords (topics the plugin declared through ctx.internalTopics, e.g. a schema
 * history) skip transforms and converters and go out first, in the same transaction.
 *
 * Overlapped commits: a unit with commitAfter and commitInBackground (a chunk of the chunked
 * snapshot) has its transaction's sends and commit run while the loop polls and converts the next
 * units, which wait in memory (no Kafka transaction is begun for them) until that commit
 * succeeded. One Kafka transaction at a time, in order: a failed commit fails the run before any
 * later unit is sent, so no later offset can commit without it. The task hears committed() for a
 * background commit before the next transaction begins, possibly after one more poll().
 */
import type { Kafka } from 'kafkajs';
import type { InternalRecord, JsonMap, SourceRecord, SourceUnit } from '../events/record.ts';
import type { Logger } from '../log/logger.ts';
import type { Converter } from '../serde/converter.ts';
import type { TxnProducer, OutRecord, OpenTransaction } from '../kafka/txn-producer.ts';
import { RecordSet } from '../kafka/record-set.ts';
import { DEFAULT_MAX_REQUEST_BYTES } from '../kafka/producer-settings.ts';
import type { TopicManager, TopicSpec } from '../kafka/topics.ts';
import { CdcError } from '../errors/cdc-error.ts';
import { partitionId } from '../offsets/offset-key.ts';
import { allOffsetTopics, offsetRecords, readOffsets, type OffsetTopics } from '../offsets/offset-topics.ts';
import type { HeaderConverter } from '../serde/header-converter.ts';
import { SKIP, ToleranceOperator, type ErrorPolicy } from './error-tolerance.ts';
import type { SourceTask, SourceTaskContext } from './source-task.ts';
import type { TaskMetrics } from '../metrics/task-metrics.ts';
import type { ParsedConfig } from '../config/define.ts';
import type { SignalKafkaAccess } from '../snapshot/signals/kafka-signal-channel.ts';
import { TransformStageFailure, type TransformChain } from '../transforms/chain.ts';
import { KafkaInternalTopics, undeclaredInternalTopic, type InternalTopics } from './internal-topics.ts';
import { countPolled, PolledCount } from '../metrics/polled-records.ts';

export interface TaskRunnerDeps {
  readonly connectorName: string;
  readonly taskId: number;
  readonly config: ParsedConfig;
  readonly task: SourceTask;
  readonly kafka: Kafka;
  readonly producer: TxnProducer;
  readonly topics: TopicManager;
  /** the worker's Kafka client for the kafka/rest signal channels of the task (src/snapshot/signals) */
  readonly signalKafka?: SignalKafkaAccess;
  /** null: the connector creates no data topic (left to the broker's auto-creation) */
  readonly dataTopicSpec: ((topic: string) => TopicSpec) | null;
  readonly offsetTopics: OffsetTopics;
  readonly offsetsTopicSpec: TopicSpec;
  readonly keyConverter: Converter;
  readonly valueConverter: Converter;
  readonly headerConverter: HeaderConverter;
  readonly errors: ErrorPolicy;
  /** The task's internal topics service; absent: Kafka-backed (KafkaInternalTopics). Tests inject one. */
  readonly internalTopics?: InternalTopics;
  /** The connector's single message transforms; null or absent: none configured. */
  readonly transforms?: TransformChain | null;
  readonly log: Logger;
  readonly metrics: TaskMetrics;
  readonly limits: {
    /** records handed to kafkajs per send */
    readonly sendBatch: number;
    /** the producer's max.request.size (a larger record is refused); absent: Kafka's default, 1 MiB */
    readonly maxRequestBytes?: number;
    /** a streaming transaction closes after this many records... */
    readonly txnMaxRecords: number;
    /** ...or this long after it opened */
    readonly txnMaxMs: number;
    readonly pollMs: number;
    /** the source's queue bound (max.queue.size), exported as cdc_source_queue_capacity */
    readonly queueCapacity?: number;
  };
  /** Called after every commit (status: "data is flowing") with the offsets it made durable. */
  readonly onCommit?: (records: number, offsets: readonly JsonMap[]) => void;
  /**
   * Called after every poll: idle = the source handed out nothing and no transaction is open,
   * i.e. everything it read is committed (readiness: "idle, confirmed by the source").
   */
  readonly onPolled?: (idle: boolean) => void;
  /** Called with the committed offsets read at start (the position before the first commit of this attempt). */
  readonly onOffsetsRead?: (offsets: readonly JsonMap[]) => void;
  /** Called once the task started streaming or snapshotting. */
  readonly onStarted?: () => void;
  /** Called the first time a topic is written (after the commit that made it visible). */
  readonly onTopic?: (topic: string) => void;
}

interface OpenTxn {
  /** begun at its first send, once the previous transaction committed */
  txn: OpenTransaction | null;
  readonly openedAt: number;
  records: number;
  /** the records of the next produce request, as Kafka record bytes */
  set: RecordSet;
  /** per source partition, its last unit (the entry is updated in place) */
  readonly offsets: Map<string, LastUnit>;
  commitTimes: number[];
  readonly topics: Set<string>;
  /** the transaction's produce requests under way (one flush at a time); awaited before the next flush and the commit */
  sending: Promise<void> | null;
}

/**
 * A partition's last unit in a transaction. Its offset is read only at the commit: a source may
 * build offsets lazily (src/events/deferred-offset.ts), and only this unit's is ever built.
 */
class LastUnit {
  constructor(public unit: SourceUnit) {}
  get partition(): JsonMap { return this.unit.partition; }
  get offset(): JsonMap { return this.unit.offset; }
}

/** A plugin bug: a unit with no offset property (a plain object missing it, or a copy that dropped it). */
function unitWithoutOffset(connectorName: string): CdcError {
  return new CdcError({
    code: 'CDC_UNIT_WITHOUT_OFFSET',
    what: 'the task handed out a unit without an offset property (every unit carries the offset that is true once its records are committed)',
    where: `connector "${connectorName}"`,
    fix: 'this is a defect of the connector plugin: report it to its authors with this message',
  });
}

/** A transaction committing while the loop goes on (commitInBackground). */
interface Committing {
  readonly txn: OpenTxn;
  /** settles when the commit is over; never rejects (the error is kept in `error`) */
  readonly over: Promise<void>;
  done: boolean;
  error: unknown;
  endedAt: number;
}

export class TaskRunner {
  private open: OpenTxn | null = null;
  private committing: Committing | null = null;
  private readonly seenTopics = new Set<string>();
  /** Records of units' lazyRecords, counted as polled when pulled. */
  private readonly lazyCount = new PolledCount();
  /** Sources hand out the same partition object for every unit: serialise it once. */
  private readonly partitionIds = new WeakMap<JsonMap, string>();
  private readonly tolerance: ToleranceOperator;
  private signal: AbortSignal = new AbortController().signal;
  private readonly internal: InternalTopics;

  constructor(private readonly deps: TaskRunnerDeps) {
    this.tolerance = new ToleranceOperator({ policy: deps.errors, log: deps.log, metrics: deps.metrics, taskName: `${deps.connectorName}-${deps.taskId}` });
    this.internal = deps.internalTopics ?? new KafkaInternalTopics({ kafka: deps.kafka, topics: deps.topics, connectorName: deps.connectorName });
  }

  /** Runs until signal aborts (clean stop: open transaction committed) or a failure (thrown). */
  /** While tolerated failures keep happening, one sentence for the task's status. */
  skipNote(): string | null {
    return this.tolerance.skipNote();
  }

  async run(signal: AbortSignal): Promise<void> {
    const d = this.deps;
    this.signal = signal;
    await d.producer.start();
    for (const topic of allOffsetTopics(d.offsetTopics)) await d.topics.ensureCompacted(topic, d.offsetsTopicSpec);
    const offsets = await readOffsets(d.kafka, d.offsetTopics, d.connectorName);
    if (signal.aborted) return; // stopped while fencing: do not start the source at all
    d.onOffsetsRead?.([...offsets.entries.values()].map((e) => e.offset).filter((o): o is JsonMap => o !== null));
    const ctx: SourceTaskContext = {
      connectorName: d.connectorName, taskId: d.taskId, config: d.config, offsets, log: d.log, metrics: d.metrics,
      internalTopics: this.internal,
      ...(d.signalKafka ? { signalKafka: d.signalKafka } : {}),
    };
    if (d.limits.queueCapacity !== undefined) d.metrics.queueCapacity(d.limits.queueCapacity);
    try {
      await d.task.start(ctx);
      d.metrics.sourceConnected();
      d.onStarted?.();
      let hold = false;
      while (!signal.aborted && !d.task.finished()) {
        if (this.committing?.done) await this.settle();
        const units = await d.task.poll((this.open && !hold) || this.committing ? Math.min(d.limits.pollMs, 50) : d.limits.pollMs);
        if (units.length > 0) countPolled(units, d.metrics);
        for (const unit of units) {
          const adding = this.add(unit);
          if (adding) await adding;
          hold = unit.holdTransaction === true;
          if (unit.commitAfter) { await this.commit(unit.commitInBackground === true); hold = false; }
        }
        d.onPolled?.(units.length === 0 && !this.open);
        const o = this.open;
        if (o && !hold && (units.length === 0 || o.records >= d.limits.txnMaxRecords || Date.now() - o.openedAt >= d.limits.txnMaxMs)) {
          await this.commit();
        }
      }
      // Clean stop: what is complete is committed; a held (snapshot) transaction is not.
      await this.settle();
      if (this.open && !hold) await this.commit();
    } catch (err) {
      // An open transaction dies with its records and offsets: Connect's offset-commit failure.
      if (this.open) d.metrics.offsetCommitFailed();
      await this.abort();
      throw err;
    } finally {
      d.metrics.attemptEnded();
      await this.abort();
      d.transforms?.close();
      await d.task.stop();
    }
  }

  /**
   * Buffers a unit's records and notes its offset. Synchronous (undefined) while nothing has to be
   * waited for, which is every unit of a stream but the one that fills a send batch: a promise per
   * unit would be one more object and one more microtask per change event.
   */
  private add(unit: SourceUnit): Promise<void> | undefined {
    if (unit.internalRecords !== undefined || unit.lazyRecords !== undefined) return this.addFrom(unit, 0);
    const o = this.openTxn();
    const records = unit.records;
    for (let i = 0; i < records.length; i++) {
      const wait = this.addRecord(o, records[i]!);
      if (wait) return wait.then(() => this.addFrom(unit, i + 1));
    }
    return this.added(o, unit);
  }

  /** add(), from the unit's record `from` on (its internal records first when from is 0), awaiting as it goes. */
  private async addFrom(unit: SourceUnit, from: number): Promise<void> {
    const o = this.openTxn();
    if (from === 0) {
      for (const ir of unit.internalRecords ?? []) {
        const wait = this.put(o, this.internalOut(ir));
        if (wait) await wait;
      }
    }
    for (let i = from; i < unit.records.length; i++) {
      const wait = this.addRecord(o, unit.records[i]!);
      if (wait) await wait;
    }
    if (unit.lazyRecords) {
      for (const original of unit.lazyRecords) {
        this.lazyCount.add(original);
        const wait = this.addRecord(o, original);
        if (wait) await wait;
      }
      this.lazyCount.report(this.deps.metrics);
    }
    await this.added(o, unit);
  }

  private openTxn(): OpenTxn {
    this.open ??= { txn: null, openedAt: Date.now(), records: 0, set: this.newSet(), offsets: new Map(), commitTimes: [], topics: new Set(), sending: null };
    return this.open;
  }

  /** The unit's records are buffered: its offset is the partition's latest; a full batch is sent. */
  private added(o: OpenTxn, unit: SourceUnit): Promise<void> | undefined {
    // Read at the commit only (a deferred offset is built then): here, only that there is one.
    if (!('offset' in unit)) throw unitWithoutOffset(this.deps.connectorName);
    let pid = this.partitionIds.get(unit.partition);
    if (pid === undefined) this.partitionIds.set(unit.partition, (pid = partitionId(unit.partition)));
    const entry = o.offsets.get(pid);
    if (entry === undefined) o.offsets.set(pid, new LastUnit(unit));
    else entry.unit = unit;
    if (unit.sourceCommitTimeMs !== undefined) o.commitTimes.push(unit.sourceCommitTimeMs);
    return o.set.count >= this.deps.limits.sendBatch ? this.flush(o) : undefined;
  }

  /** An empty request: at most SEND_MAX_BYTES (or max.request.size when smaller), a record over max.request.size refused. */
  private newSet(): RecordSet {
    const max = this.deps.limits.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    return new RecordSet(Math.min(SEND_MAX_BYTES, max), max);
  }

  private addRecord(o: OpenTxn, original: SourceRecord): Promise<void> | undefined {
    const d = this.deps;
    let r = original;
    const chain = d.transforms ?? null;
    if (chain !== null) {
      const t = this.tolerance.transform(original, `connector "${d.connectorName}"`, () => chain.apply(original), stageFailure);
      if (t === SKIP || t === null) return undefined; // skipped or dropped: the unit's offset still covers it
      r = t;
    }
    const now = this.convertNow(o, r);
    return now !== NOT_NOW ? now : this.addConverted(o, r);
  }

  private async addConverted(o: OpenTxn, r: SourceRecord): Promise<void> {
    const out = await this.convert(r);
    if (out === SKIP) return; // tolerated: the unit's offset still covers it
    await this.buffer(o, r.topic, r.kafkaPartition, out.key, out.value, out.headers, r.timestamp);
  }

  /** Adds a converted record to the next request; sends that first when the record does not fit in it. */
  private buffer(o: OpenTxn, topic: string, partition: number | undefined, key: Buffer | null, value: Buffer | null, headers: OutRecord['headers'], timestamp: number | undefined): Promise<void> | undefined {
    const set = o.set;
    if (!set.addFields(topic, partition, key, value, headers, timestamp ?? Date.now())) {
      return this.flush(o).then(() => this.buffer(o, topic, partition, key, value, headers, timestamp));
    }
    o.topics.add(topic);
    o.records++;
    // Sent as soon as a batch is full, so a large unit (a snapshot chunk) is converted while its first requests are under way.
    return set.count >= this.deps.limits.sendBatch || set.bytes >= set.limitBytes ? this.flush(o) : undefined;
  }

  /** A record that is no change event (an internal or offset record) into the next request. */
  private put(o: OpenTxn, out: OutRecord): Promise<void> | undefined {
    if (o.set.add(out)) return undefined;
    return this.flush(o).then(() => { o.set.add(out); });
  }

  /** As the plugin serialised it: no transform, no converter, no errors.* policy (a failure here is the plugin's). */
  private internalOut(ir: InternalRecord): OutRecord {
    if (!this.internal.isDeclared(ir.topic)) throw undeclaredInternalTopic(ir.topic, this.deps.connectorName);
    const bytes = (v: string | Buffer | null): Buffer | null => (v === null ? null : typeof v === 'string' ? Buffer.from(v, 'utf8') : v);
    return {
      topic: ir.topic,
      ...(ir.partition !== undefined ? { partition: ir.partition } : {}),
      key: bytes(ir.key),
      value: bytes(ir.value),
      ...(ir.headers ? { headers: ir.headers } : {}),
      ...(ir.timestamp !== undefined ? { timestamp: ir.timestamp } : {}),
    };
  }

  /**
   * Converts and buffers the record when every stage answers at once without failing (what
   * buffer() returns); NOT_NOW otherwise, and nothing is buffered.
   */
  private convertNow(o: OpenTxn, r: SourceRecord): Promise<void> | undefined | typeof NOT_NOW {
    const { keyConverter, valueConverter, headerConverter } = this.deps;
    if (!keyConverter.fromConnectDataNow || !valueConverter.fromConnectDataNow) return NOT_NOW;
    const key = r.key === null || r.key === undefined ? null : keyConverter.fromConnectDataNow(r.topic, true, r.keySchema, r.key);
    if (key === undefined) return NOT_NOW;
    const value = r.value === null || r.value === undefined ? null : valueConverter.fromConnectDataNow(r.topic, false, r.valueSchema, r.value);
    if (value === undefined) return NOT_NOW;
    let headers;
    if (r.headers) {
      try {
        headers = headerConverter.fromConnectHeaders(r.headers);
      } catch {
        return NOT_NOW;
      }
    }
    return this.buffer(o, r.topic, r.kafkaPartition, key, value, headers, r.timestamp);
  }

  /** Key, value and headers through their converters, each stage under the errors.* policy. */
  private async convert(r: SourceRecord): Promise<OutRecord | typeof SKIP> {
    const { keyConverter, valueConverter, headerConverter } = this.deps;
    const t = this.tolerance;
    const key = r.key === null || r.key === undefined ? null
      : await t.execute('KEY_CONVERTER', r, this.signal, () => keyConverter.fromConnectData(r.topic, true, r.keySchema, r.key));
    if (key === SKIP) return SKIP;
    const value = r.value === null || r.value === undefined ? null
      : await t.execute('VALUE_CONVERTER', r, this.signal, () => valueConverter.fromConnectData(r.topic, false, r.valueSchema, r.value));
    if (value === SKIP) return SKIP;
    const headers = r.headers ? await t.execute('HEADER_CONVERTER', r, this.signal, async () => headerConverter.fromConnectHeaders(r.headers!)) : undefined;
    if (headers === SKIP) return SKIP;
    return headers ? { topic: r.topic, key, value, headers } : { topic: r.topic, key, value };
  }

  /**
   * Starts sending the buffered records (at commit, the offset records ride in the last request). Returns once the previous flush of the transaction is acknowledged and this
   * one is under way, so the loop converts the next records while Kafka answers (one flush in
   * flight at a time, in order: kafkajs's idempotent producer numbers a request's records when
   * it builds it, so two requests must never be built before the first is answered). A failed
   * send surfaces at the next flush or at the commit (drain).
   */
  private async flush(o: OpenTxn): Promise<void> {
    const set = o.set;
    if (set.count === 0) return;
    o.set = this.newSet();
    // Internal topics were created (or checked) with their own spec when declared; the offsets
    // topics when the run began (ensure() asks the broker only about topics it has not seen).
    await this.deps.topics.ensure([...set.topics.keys()].filter((t) => !this.internal.isDeclared(t)), this.deps.dataTopicSpec);
    if (!o.txn) {
      // One Kafka transaction at a time: the one committing in the background must succeed first.
      await this.settle();
      o.txn = await this.deps.producer.begin();
    }
    await this.drain(o);
    const txn = o.txn;
    const sending = txn.sendSet(set);
    sending.catch(() => undefined); // observed by drain(); never an unhandled rejection meanwhile
    o.sending = sending;
  }

  /** Waits for the transaction's flush under way, if any; throws its failure. */
  private async drain(o: OpenTxn): Promise<void> {
    const p = o.sending;
    if (p === null) return;
    o.sending = null;
    await p;
  }

  /**
   * Commits the open transaction; in the background when asked (the next units may then be
   * polled and converted meanwhile; they are sent only after this commit succeeded).
   */
  private async commit(background = false): Promise<void> {
    const o = this.open;
    if (!o) return;
    const d = this.deps;
    // The connector's offsets topic (and the worker's, when that is another topic) in the same
    // transaction, in the same produce request as the last records: one broker round trip less per commit.
    const finish = async (): Promise<void> => {
      const t0 = Date.now();
      for (const r of offsetRecords(d.offsetTopics, d.connectorName, o.offsets.values())) {
        const wait = this.put(o, r);
        if (wait) await wait;
      }
      await this.flush(o);
      await this.drain(o);
      await o.txn!.commit();
      d.metrics.offsetCommit((Date.now() - t0) / 1000);
    };
    if (!background) {
      await finish();
      this.open = null;
      this.committed(o, Date.now());
      return;
    }
    // Begun here, after the previous commit, so that finish() never waits for a commit (its own).
    await this.settle();
    o.txn ??= await d.producer.begin();
    const c: Committing = { txn: o, over: Promise.resolve(), done: false, error: undefined, endedAt: 0 };
    (c as { over: Promise<void> }).over = finish().then(
      () => { c.done = true; c.endedAt = Date.now(); },
      (err: unknown) => { c.done = true; c.error = err ?? new Error('Kafka commit failed'); },
    );
    this.committing = c;
    this.open = null;
  }

  /** Waits for the background commit, if any: tells the task it is durable, or throws its failure. */
  private async settle(): Promise<void> {
    const c = this.committing;
    if (!c) return;
    await c.over;
    if (this.committing !== c) return; // settled by an overlapping call meanwhile
    this.committing = null;
    if (c.error !== undefined) {
      // Connect's offset-commit failure: the transaction died with its records and offsets.
      this.deps.metrics.offsetCommitFailed();
      await this.abortTxn(c.txn);
      throw c.error;
    }
    this.committed(c.txn, c.endedAt);
  }

  /** After the commit of `o`: metrics, the task's acknowledgement, status. */
  private committed(o: OpenTxn, now: number): void {
    const d = this.deps;
    d.metrics.transactionCommitted(o.records, (now - o.openedAt) / 1000);
    d.metrics.eventsWritten(o.records);
    for (const t of o.commitTimes) d.metrics.commitToVisibleLatency(Math.max(0, now - t) / 1000);
    if (o.commitTimes.length > 0) d.metrics.sourceLag(Math.max(0, now - o.commitTimes[o.commitTimes.length - 1]!) / 1000);
    for (const { partition, offset } of o.offsets.values()) d.task.committed(partition, offset);
    for (const t of o.topics) if (!this.seenTopics.has(t)) { this.seenTopics.add(t); d.onTopic?.(t); }
    d.onCommit?.(o.records, [...o.offsets.values()].map((e) => e.offset));
  }

  private async abort(): Promise<void> {
    const c = this.committing;
    this.committing = null;
    // A commit under way is a complete transaction: let it end (its acknowledgement is not needed).
    if (c) {
      await c.over;
      if (c.error !== undefined) await this.abortTxn(c.txn);
    }
    const o = this.open;
    this.open = null;
    if (o) await this.abortTxn(o);
  }

  private async abortTxn(o: OpenTxn): Promise<void> {
    // A produce request under way ends first (its failure is the reason we abort, or moot).
    await this.drain(o).catch(() => undefined);
    if (!o.txn) return;
    try {
      await o.txn.abort();
    } catch (err) {
      // The broker aborts it anyway when the next producer with this id fences us.
      await this.deps.producer.reset(err);
    }
  }
}

/** convertNow(): a stage cannot answer at once; convert() must run. */
const NOT_NOW = Symbol('not now');

/**
 * Bytes of records per produce request. Below the broker's default message.max.bytes (1 MiB per
 * record batch), and small enough that the loop converts the next records while Kafka answers.
 */
const SEND_MAX_BYTES = 512 * 1024;

function stageFailure(err: unknown): { alias: string; className: string; cause: unknown } | null {
  return err instanceof TransformStageFailure ? { alias: err.stage.alias, className: err.stage.className, cause: err.cause } : null;
}
