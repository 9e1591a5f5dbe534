/** Debezium's transformations (3.6), for the composition root to register beside Kafka's. */
import type { TransformPlugin } from '../contracts.ts';
import { byLogicalTableRouterPlugin, toLogicalTopicRouterPlugin } from './by-logical-table-router.ts';
import { extractNewRecordStatePlugin } from './extract-new-record-state.ts';
import { headerToValuePlugin } from './header-to-value.ts';
import { eventRouterPlugin } from './outbox/event-router.ts';
import { partitionRoutingPlugin } from './partition-routing.ts';

export function debeziumTransforms(): TransformPlugin[] {
  return [extractNewRecordStatePlugin, byLogicalTableRouterPlugin, toLogicalTopicRouterPlugin, eventRouterPlugin, partitionRoutingPlugin, headerToValuePlugin];
}
