/**
 * The transformations and predicates built into the daemon, for the composition root
 * (src/cli.ts) and the benchmarks. Each family registers here with one line; plugin.path
 * adds the user's own (transform-loader.ts).
 */
import { kafkaTransformPlugins } from './kafka/index.ts';
import { TransformRegistry } from './transform-registry.ts';
import { debeziumTransforms } from './debezium/debezium-transforms.ts';

export function builtinTransformRegistry(): TransformRegistry {
  return new TransformRegistry()
    .register(...kafkaTransformPlugins())
    .register(...debeziumTransforms());
}
