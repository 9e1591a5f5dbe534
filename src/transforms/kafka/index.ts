/** Kafka's built-in transformations and predicates, for the composition root to register. */
import type { TransformPlugin } from '../contracts.ts';
import { castPlugins } from './cast.ts';
import { extractFieldPlugins } from './extract-field.ts';
import { filter } from './filter.ts';
import { flattenPlugins } from './flatten.ts';
import { dropHeaders, headerFromPlugins, insertHeader } from './headers.ts';
import { insertFieldPlugins } from './insert-field.ts';
import { maskFieldPlugins } from './mask-field.ts';
import { hasHeaderKey, recordIsTombstone, topicNameMatches } from './predicates.ts';
import { regexRouter } from './regex-router.ts';
import { replaceFieldPlugins } from './replace-field.ts';
import { setSchemaMetadataPlugins } from './set-schema-metadata.ts';
import { timestampRouter } from './timestamp-router.ts';
import { valueToKey } from './value-to-key.ts';

export function kafkaTransformPlugins(): TransformPlugin[] {
  return [
    regexRouter, timestampRouter, ...replaceFieldPlugins, ...insertFieldPlugins, ...maskFieldPlugins, valueToKey,
    ...extractFieldPlugins, ...castPlugins, ...headerFromPlugins, insertHeader, dropHeaders, filter,
    ...setSchemaMetadataPlugins, ...flattenPlugins,
    topicNameMatches, hasHeaderKey, recordIsTombstone,
  ];
}
