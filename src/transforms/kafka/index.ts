/** Kafka's built-in transformations and predicates, for the composition root to register. */
import type { TransformPlugin } from '../contracts.ts';
import { filter } from './filter.ts';
import { hasHeaderKey, recordIsTombstone, topicNameMatches } from './predicates.ts';
import { regexRouter } from './regex-router.ts';

export function kafkaTransformPlugins(): TransformPlugin[] {
  return [regexRouter, filter, topicNameMatches, hasHeaderKey, recordIsTombstone];
}
