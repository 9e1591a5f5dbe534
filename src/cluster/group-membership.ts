/**
 * Distributed mode: workers sharing a group.id form one cluster through
 * Kafka's group coordinator (a kafkajs consumer group used only for membership:
 * it is assigned no partitions). The coordinator detects dead or hung workers
 * by session timeout and makes the survivors rejoin; the elected leader writes
 * the member list to the config topic; every worker then computes who owns
 * each connector with rendezvous hashing over that list, so all agree without
 * another round trip and connectors that stay put are never stopped.
 * A worker that was evicted (e.g. SIGSTOPped past the session timeout) learns
 * it on rejoin; until then its Kafka producers are fenced by the new owners,
 * so nothing it had in flight can become visible.
 */
import { randomUUID } from 'node:crypto';
import { AssignerProtocol, type Consumer, type Kafka } from 'kafkajs';
import type { Logger } from '../log/logger.ts';
import type { ConfigStore, MemberView } from './config-store.ts';
import type { Membership } from './membership.ts';
import type { KafkaOutage } from '../kafka/kafka-reachability.ts';
import { owner } from './rendezvous.ts';

const PROTOCOL = 'cdc-rendezvous';

export interface GroupMembershipDeps {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly workerId: string;
  readonly configs: ConfigStore;
  /** a topic to subscribe to (membership needs one; nothing is fetched from it) */
  readonly anchorTopic: string;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly log: Logger;
  /** while Kafka is known to be unreachable the consumer's crashes are that outage, already logged once */
  readonly kafkaOutage?: () => KafkaOutage | null;
}

export class GroupMembership implements Membership {
  readonly workerId: string;
  private consumer: Consumer | null = null;
  private view: MemberView | null = null;
  private joined = false;
  private gen = 0;
  private lastHeartbeat = 0;
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly d: GroupMembershipDeps) {
    this.workerId = d.workerId;
  }

  async start(): Promise<void> {
    const { kafka, log } = this.d;
    this.d.configs.onMembers((v) => {
      // Only a view that includes us is ours to act on; an older one may still name us after eviction.
      if (!v.workers.includes(this.workerId)) {
        if (this.view?.workers.includes(this.workerId)) { this.view = v; this.gen++; this.notify(); }
        return;
      }
      this.view = v;
      this.gen++;
      log.info({ workers: v.workers, leader: v.leader }, 'cluster membership changed');
      this.notify();
    });
    const consumer = kafka.consumer({
      groupId: this.d.groupId,
      sessionTimeout: this.d.sessionTimeoutMs,
      heartbeatInterval: this.d.heartbeatIntervalMs,
      rebalanceTimeout: this.d.rebalanceTimeoutMs,
      // This member is assigned no partitions, and kafkajs then heartbeats only between fetch
      // rounds, which sleep maxWaitTimeInMs (5 s by default) when there is nothing to fetch:
      // heartbeats every 5 s against a session timeout of 6-10 s leave a stall of 1-5 s (a busy
      // machine, a GC pause) enough to evict a live worker and move its connectors away and back.
      // Sleeping half the heartbeat interval makes heartbeat.interval.ms the real cadence.
      maxWaitTimeInMs: Math.max(100, Math.floor(this.d.heartbeatIntervalMs / 2)),
      allowAutoTopicCreation: false,
      partitionAssigners: [() => ({
        name: PROTOCOL,
        version: 1,
        protocol: ({ topics }: { topics: string[] }) => ({
          name: PROTOCOL,
          metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.from(JSON.stringify({ workerId: this.workerId })) }),
        }),
        assign: async ({ members }: { members: { memberId: string; memberMetadata: Buffer }[] }) => {
          const workers = members.map((m) => {
            const meta = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
            return (JSON.parse(meta?.userData.toString('utf8') || '{}') as { workerId?: string }).workerId ?? m.memberId;
          });
          await this.d.configs.putMembers({ assignmentId: randomUUID(), leader: this.workerId, workers: [...new Set(workers)].sort(), memberIds: members.map((m) => m.memberId), at: Date.now() });
          // Nothing to consume: every member gets an empty partition assignment.
          return members.map((m) => ({ memberId: m.memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: {}, userData: Buffer.alloc(0) }) }));
        },
      })] as never,
    });
    consumer.on(consumer.events.HEARTBEAT, () => { this.lastHeartbeat = Date.now(); });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
      this.lastHeartbeat = Date.now();
      // The leader wrote the member list before SyncGroup answered anyone: read up to it.
      void this.d.configs.sync().catch(() => undefined);
    });
    consumer.on(consumer.events.CRASH, (e) => {
      const line = { err: String(e.payload.error) };
      if (this.d.kafkaOutage?.()) log.debug(line, 'group membership consumer crashed during the Kafka outage; kafkajs rejoins');
      else log.warn(line, 'group membership consumer crashed; kafkajs rejoins');
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.d.anchorTopic, fromBeginning: false });
    await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
    this.consumer = consumer;
    const t0 = Date.now();
    while (!this.view?.workers.includes(this.workerId) && Date.now() - t0 < this.d.rebalanceTimeoutMs) {
      await new Promise((r) => setTimeout(r, 100));
      if (this.joined) await this.d.configs.sync().catch(() => undefined);
    }
    log.info({ workerId: this.workerId, workers: this.view?.workers ?? [] }, 'joined the cluster');
  }

  owns(connector: string): boolean {
    const v = this.view;
    if (!v || !v.workers.includes(this.workerId)) return false;
    return owner(connector, v.workers) === this.workerId;
  }

  generation(): number {
    return this.gen;
  }

  current(): boolean {
    // Beyond the session timeout without a heartbeat, the group may have moved on without us.
    return this.joined && Date.now() - this.lastHeartbeat < this.d.sessionTimeoutMs;
  }

  members(): readonly string[] | null {
    return this.view?.workers ?? null;
  }

  onChange(cb: () => void): void {
    this.listeners.push(cb);
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  async stop(): Promise<void> {
    const c = this.consumer;
    this.consumer = null;
    // Leaving the group makes the others rebalance at once instead of after the session timeout.
    await c?.disconnect().catch(() => undefined);
  }
}
