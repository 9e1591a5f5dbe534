/**
 * kafkajs's own modules, loaded unpatched (src/kafka/kafkajs-patch.ts swaps some in Node's module
 * cache; the patched entry is put back afterwards), so tests can compare our encoders with kafkajs's.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** kafkajs's src directory. */
export const kafkajsRoot = join(dirname(require.resolve('kafkajs/package.json')), 'src');

/** A kafkajs module (path relative to its src directory) as kafkajs ships it. */
export function kafkajsOriginal<T>(rel: string): T {
  const file = join(kafkajsRoot, rel);
  const patched = require.cache[file];
  delete require.cache[file];
  try {
    return require(file) as T;
  } finally {
    if (patched) require.cache[file] = patched;
  }
}

/** A kafkajs module as loaded now (patched where the patch applies). */
export function kafkajsModule<T>(rel: string): T {
  return require(join(kafkajsRoot, rel)) as T;
}
