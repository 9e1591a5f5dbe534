/**
 * Keeps one connector's task running: builds a fresh task, producer and runner
 * for every attempt (nothing from a failed attempt is trusted), restarts
 * retriable failures with capped exponential backoff, and stops at a
 * non-retriable one in FAILED with the cause. Its state is what status shows.
 */
import type { Kafka } from 'kafkajs';
import type { ParsedConfig } from '../config/define.ts';
import { CdcError, describeError } from '../errors/cdc-error.ts';
import type { Logger } from '../log/logger.ts';
import { KafkaTxnProducer } from '../kafka/txn-producer.ts';
import type { ProducerSettings } from '../kafka/producer-settings.ts';
import type { TopicManager, TopicSpec } from '../kafka/topics.ts';
import type { Converter } from '../serde/converter.ts';
import type { HeaderConverter } from '../serde/header-converter.ts';
import type { TopicCreationRules } from '../config/topic-creation.ts';
import type { OffsetTopics } from '../offsets/offset-topics.ts';
import { errorPolicy } from './error-tolerance.ts';
import type { TaskMetrics } from '../metrics/task-metrics.ts';
import { TaskRunner } from './task-runner.ts';
import { interruption, kafkaOutageReason, type InterruptionCause } from './interruption.ts';
import type { KafkaOutage } from '../kafka/kafka-reachability.ts';
import type { SourceConnectorPlugin } from './source-task.ts';
import type { TransformChain } from '../transforms/chain.ts';
import { SOURCE_TASK_FIELDS } from '../config/source-task-fields.ts';
import { taskTransactionalId } from './task-ids.ts';
import type { JsonMap } from '../events/record.ts';
import { readyCommitBoundMs, taskNotReadyReason } from './task-readiness.ts';
import { logStateChange } from './state-change-log.ts';

export type TaskState = 'UNASSIGNED' | 'RUNNING' | 'STALLED' | 'RESTARTING' | 'FAILED' | 'STOPPED' | 'FINISHED';

export interface TaskStatus {
  readonly state: TaskState;
  /** why the task is in this state, when it is not plain RUNNING (e.g. retrying after an error) */
  readonly reason: string | null;
  readonly since: number;
  readonly trace: string | null;
  readonly lastCommitAt: number | null;
  /** since when the source has been idle with everything it read committed (null: it has work or has not said) */
  readonly idleSince: number | null;
  /** the offsets the last commit made durable (the position logged with state changes) */
  readonly lastOffsets: readonly JsonMap[] | null;
  readonly restarts: number;
}

export interface SupervisorDeps {
  readonly name: string;
  /** the task this supervisor keeps running (Connect's task number) */
  readonly taskId: number;
  readonly plugin: SourceConnectorPlugin;
  readonly config: ParsedConfig;
  readonly kafka: Kafka;
  readonly topics: TopicManager;
  readonly clusterId: string;
  readonly offsetTopics: OffsetTopics;
  readonly offsetsTopicSpec: TopicSpec;
  /** compression, request size and transaction timeout of the task's producer */
  readonly producer: ProducerSettings;
  /** the worker's offset.flush.interval.ms: the commit interval of transaction.boundary=interval by default */
  readonly offsetFlushIntervalMs: number;
  /** the worker's bootstrap.servers, for the kafka signal channel (which must read the worker's cluster) */
  readonly workerBrokers?: readonly string[];
  /** null: the connector creates no data topic (Connect's topic.creation.* not in use) */
  readonly topicCreation: TopicCreationRules | null;
  readonly converters: { key: Converter; value: Converter; header: HeaderConverter };
  readonly log: Logger;
  readonly metrics: TaskMetrics;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  /** consecutive failed attempts (no commit in between) before the task stays FAILED; -1 = no limit */
  readonly maxRestarts: number;
  /** a running task that commits nothing for this long while its source has work is STALLED */
  readonly stallTimeoutMs: number;
  /** asked before every attempt: false = this worker may not run the task now (may have been replaced) */
  readonly mayRun?: () => boolean;
  /** a topic the task wrote to for the first time (Connect's active topics) */
  readonly onTopic?: (topic: string) => void;
  /** the worker's knowledge of a Kafka outage (null while reachable) */
  readonly kafkaOutage?: () => KafkaOutage | null;
  /** a fresh transformation chain per attempt (null: no transform configured) */
  readonly transforms?: () => TransformChain | null;
}

/**
 * `since` is when the state began. A change of reason alone keeps it: a retry that stays
 * RESTARTING, a stall whose wording changes, a RUNNING task whose note (catching up, records
 * skipped) comes or goes. `at` overrides it when the cause is known to be older (a Kafka outage).
 */
export function stateSince(prev: { readonly state: TaskState; readonly since: number }, state: TaskState, at: number | undefined, now: number): number {
  if (at !== undefined) return at;
  return prev.state === state ? prev.since : now;
}

export class ConnectorSupervisor {
  private status: TaskStatus = { state: 'UNASSIGNED', reason: null, since: Date.now(), trace: null, lastCommitAt: null, idleSince: null, lastOffsets: null, restarts: 0 };
  private abort: AbortController | null = null;
  /** the last state written to the log (deps.log is the connector's child logger: it carries the connector field) */
  private loggedState: TaskState | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly deps: SupervisorDeps) {}

  current(): TaskStatus {
    return this.status;
  }

  /** null = ready for GET /health/ready (task-readiness.ts); otherwise why not. */
  notReadyReason(now = Date.now()): string | null {
    const d = this.deps;
    const bound = readyCommitBoundMs({
      offsetFlushIntervalMs: d.offsetFlushIntervalMs, txnMaxMs: transactionMaxAgeMs(d.config, d.offsetFlushIntervalMs),
      pollMs: d.config.get(SOURCE_TASK_FIELDS.pollInterval),
    });
    return taskNotReadyReason(this.status, now, bound);
  }

  /** Sets state and reason; `since` follows stateSince. */
  private set(state: TaskState, reason: string | null, trace: string | null = null, at?: number): void {
    if (this.status.state === state && this.status.reason === reason) return;
    // Idle is confirmed again by the next poll of a running task, never carried over from an earlier attempt.
    const idleSince = state === 'RUNNING' ? this.status.idleSince : null;
    this.status = { ...this.status, state, reason, trace, idleSince, since: stateSince(this.status, state, at, Date.now()) };
    // One line per state change, written when it happens (a status write may lag behind it).
    if (this.loggedState !== state) {
      this.loggedState = state;
      logStateChange(this.deps.log, { connector: this.deps.name, task: this.deps.taskId, state, reason: reason ?? trace, position: this.status.lastOffsets }, { connector: true });
    }
  }

  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  /** Resolves when the task ended (FAILED/FINISHED) or stop() was called. */
  done(): Promise<void> {
    return this.loop ?? Promise.resolve();
  }

  private async run(signal: AbortSignal): Promise<void> {
    const d = this.deps;
    let delay = d.backoff.initialMs;
    let failures = 0;
    let current: { task: ReturnType<SourceConnectorPlugin['createTask']>; startedAt: number; runner?: TaskRunner } | null = null;
    // One log line per interruption, not per retry: the first attempt of a cause warns, the rest are debug.
    let streak: { cause: InterruptionCause; since: number; attempts: number } | null = null;
    // Status must not say RUNNING while nothing can flow: watch the task's own health and Kafka's.
    const watch = setInterval(() => {
      if (!current || (this.status.state !== 'RUNNING' && this.status.state !== 'STALLED')) return;
      const outage = d.kafkaOutage?.() ?? null;
      if (outage && (this.status.lastCommitAt ?? 0) < outage.since) {
        this.set('STALLED', `${kafkaOutageReason(outage)}; changes wait in the source until it is back`, null, outage.since);
        return;
      }
      const h = current.task.health?.() ?? { stalled: null };
      if (h.stalled) this.set('STALLED', h.stalled);
      else this.set('RUNNING', current.runner?.skipNote() ?? h.catchingUp ?? null);
    }, 1000);
    watch.unref();
    signal.addEventListener('abort', () => clearInterval(watch), { once: true });
    while (!signal.aborted) {
      if (d.mayRun && !d.mayRun()) {
        // Starting now would fence whoever replaced us: wait until the cluster view is current.
        this.set('UNASSIGNED', 'waiting to confirm this worker still owns the connector');
        await sleep(500, signal);
        continue;
      }
      let transforms: TransformChain | null;
      try {
        transforms = d.transforms?.() ?? null;
      } catch (err) {
        const msg = describeError(err);
        clearInterval(watch);
        d.log.error({ err: msg }, 'task failed: its transforms cannot be built; fix the config, then restart the connector');
        this.set('FAILED', msg, err instanceof Error ? err.stack ?? msg : msg);
        return;
      }
      const task = d.plugin.createTask();
      current = { task, startedAt: Date.now() };
      const producer = new KafkaTxnProducer({
        kafka: d.kafka, transactionalId: taskTransactionalId(d.clusterId, d.name, d.taskId), settings: d.producer, log: d.log,
      });
      const runner = new TaskRunner({
        connectorName: d.name, taskId: d.taskId, config: d.config, task, kafka: d.kafka, producer, topics: d.topics,
        signalKafka: { kafka: d.kafka, topics: d.topics, brokers: d.workerBrokers ?? [] },
        dataTopicSpec: d.topicCreation ? (topic) => d.topicCreation!.specFor(topic) : null,
        offsetTopics: d.offsetTopics, offsetsTopicSpec: d.offsetsTopicSpec,
        keyConverter: d.converters.key, valueConverter: d.converters.value, headerConverter: d.converters.header,
        errors: errorPolicy(d.config), transforms,
        log: d.log, metrics: d.metrics,
        limits: {
          // Declared for every plugin by src/config/source-task-fields.ts (PluginRegistry.register checks it).
          sendBatch: d.config.get(SOURCE_TASK_FIELDS.maxBatchSize),
          maxRequestBytes: d.producer.maxRequestBytes,
          txnMaxRecords: d.config.get(SOURCE_TASK_FIELDS.maxBatchSize),
          txnMaxMs: transactionMaxAgeMs(d.config, d.offsetFlushIntervalMs),
          pollMs: d.config.get(SOURCE_TASK_FIELDS.pollInterval),
          queueCapacity: d.config.get(SOURCE_TASK_FIELDS.maxQueueSize),
        },
        onStarted: () => {
          if (streak) {
            d.log.info({ attempts: streak.attempts, interruptedMs: Date.now() - streak.since }, `task running again after ${streak.attempts} attempt(s) (interrupted since ${new Date(streak.since).toISOString()})`);
            streak = null;
          }
          this.set('RUNNING', null);
        },
        ...(d.onTopic ? { onTopic: d.onTopic } : {}),
        onCommit: (_records, offsets) => {
          this.status = { ...this.status, lastCommitAt: Date.now(), ...(offsets.length > 0 ? { lastOffsets: offsets } : {}) };
          delay = d.backoff.initialMs; failures = 0;
        },
        onOffsetsRead: (offsets) => { if (offsets.length > 0) this.status = { ...this.status, lastOffsets: offsets }; },
        onPolled: (idle) => {
          if (idle !== (this.status.idleSince !== null) && this.status.state === 'RUNNING') this.status = { ...this.status, idleSince: idle ? Date.now() : null };
        },
      });
      current.runner = runner;
      try {
        await runner.run(signal);
        await producer.stop();
        if (task.finished()) {
          this.set('FINISHED', 'the task completed its work (snapshot.mode=initial_only); nothing more to stream');
          d.log.info({}, 'task finished: snapshot complete, nothing more to stream (snapshot.mode=initial_only)');
          return;
        }
      } catch (err) {
        await producer.stop();
        const retriable = err instanceof CdcError ? err.retriable : isTransient(err);
        const msg = describeError(err);
        if (!retriable) {
          clearInterval(watch);
          d.log.error({ err: msg }, 'task failed; fix the cause, then restart the connector');
          this.set('FAILED', msg, err instanceof Error ? err.stack ?? msg : msg);
          return;
        }
        failures++;
        if (d.maxRestarts >= 0 && failures > d.maxRestarts) {
          const trace = err instanceof Error ? err.stack ?? msg : msg;
          d.log.error({ err: msg, attempts: failures }, 'task failed; fix the cause, then restart the connector');
          this.set('FAILED', `gave up after ${failures} attempts without progress (restart.max.attempts=${d.maxRestarts}); last error: ${msg}`, trace);
          clearInterval(watch);
          return;
        }
        this.status = { ...this.status, restarts: this.status.restarts + 1 };
        const why = interruption(err, d.kafkaOutage?.() ?? null);
        this.set('RESTARTING', why.reason, null, why.since);
        if (!streak || streak.cause !== why.cause) {
          streak = { cause: why.cause, since: why.since ?? Date.now(), attempts: 1 };
          d.log.warn({ err: msg, cause: why.cause, retryInMs: delay }, 'task interrupted; restarting from the committed offset with backoff (further attempts for this cause are logged at debug)');
        } else {
          streak.attempts++;
          d.log.debug({ err: msg, cause: why.cause, retryInMs: delay, attempt: streak.attempts }, 'task interrupted again; retrying');
        }
        await sleep(delay, signal);
        delay = Math.min(delay * 2, d.backoff.maxMs);
      }
    }
    this.set('STOPPED', null);
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.set('STOPPED', null);
  }
}

/**
 * How long a streaming Kafka transaction may stay open. transaction.boundary=poll
 * (Connect's default) commits at the end of each poll batch, which here means as
 * soon as the source is momentarily idle or max.batch.size is reached, and at the
 * latest after one second; =interval commits every transaction.boundary.interval.ms,
 * by default the worker's offset.flush.interval.ms (Connect's rule).
 */
function transactionMaxAgeMs(config: ParsedConfig, offsetFlushIntervalMs: number): number {
  if (config.getString('transaction.boundary') === 'interval') return config.getLong('transaction.boundary.interval.ms') ?? offsetFlushIntervalMs;
  return 1000;
}

/** Errors from drivers that are not ours: network trouble is worth a retry, anything else too by default. */
function isTransient(err: unknown): boolean {
  const m = describeError(err);
  return !/syntax|TypeError|ReferenceError|is not a function/.test(m);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}
