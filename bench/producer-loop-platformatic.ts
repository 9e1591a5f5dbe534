/** The producer-loop bench's @platformatic/kafka path (bench/producer-loop.ts --client platformatic). */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { plan, type Options, type Path } from './producer-loop-plan.ts';
import { packRecords, unpackRecords } from './producer-loop-worker.ts';

interface PlatMessage { topic: string; key: Buffer; value: Buffer }
interface PlatTransaction {
  send(options: { messages: PlatMessage[] }): Promise<unknown>;
  commit(): Promise<void>;
  cancel(): Promise<void>;
}
interface PlatProducer {
  beginTransaction(): Promise<PlatTransaction>;
  close(): Promise<void>;
  on(event: 'client:performWithRetry:retry', listener: (operationId: string, attempt: number, retries: number, delay: number) => void): unknown;
}
type RetryDelay = (client: unknown, operationId: string, attempt: number, retries: number, error: unknown) => number;
interface PlatModule { Producer: new (options: Record<string, unknown>) => PlatProducer }

/** The library's retryDelay default (defaultBaseOptions in dist/clients/base/options.js). */
const PLAT_DEFAULT_RETRY_DELAY_MS = 1000;
/** The Java producer's backoff for AddPartitionsToTxn answered CONCURRENT_TRANSACTIONS (and the kafkajs patch's). */
const CONCURRENT_TXN_RETRY_MS = 20;

/** Whether a platformatic error (ResponseError/MultipleErrors, nested in errors[] and cause) carries this Kafka error. */
function hasApiError(err: unknown, apiId: string, depth = 0): boolean {
  if (err === null || typeof err !== 'object' || depth > 8) return false;
  const e = err as { apiId?: unknown; errors?: unknown; cause?: unknown };
  if (e.apiId === apiId) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => hasApiError(x, apiId, depth + 1))) return true;
  return hasApiError(e.cause, apiId, depth + 1);
}

async function loadPlatformatic(dir: string | null): Promise<{ mod: PlatModule; version: string }> {
  const hint = 'install it outside the repo (mkdir -p /tmp/plat && cd /tmp/plat && npm init -y && npm i @platformatic/kafka) and pass --module-dir /tmp/plat or set PLATFORMATIC_KAFKA_DIR';
  if (!dir) throw new Error(`--client platformatic needs the directory @platformatic/kafka is installed in: ${hint}`);
  let entry: string;
  try {
    entry = createRequire(join(dir, 'package.json')).resolve('@platformatic/kafka');
  } catch {
    throw new Error(`@platformatic/kafka is not installed under ${dir}: ${hint}`);
  }
  let pkgDir = dirname(entry);
  while (!/@platformatic[/\\]kafka$/.test(pkgDir) && dirname(pkgDir) !== pkgDir) pkgDir = dirname(pkgDir);
  const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  return { mod: (await import(pathToFileURL(entry).href)) as PlatModule, version };
}

export async function platformaticPath(o: Options, topic: string, transactionalId: string): Promise<Path> {
  const { mod, version } = await loadPlatformatic(o.moduleDir);
  const retryDelay: RetryDelay = (_client, _op, _attempt, _retries, error) =>
    hasApiError(error, 'CONCURRENT_TRANSACTIONS') ? CONCURRENT_TXN_RETRY_MS : PLAT_DEFAULT_RETRY_DELAY_MS;
  const producer = new mod.Producer({
    clientId: 'producer-loop', bootstrapBrokers: o.brokers,
    idempotent: true, transactionalId, // idempotent forces acks=all (-1) and maxInflights=1
    ...(o.platRetry === '20ms' ? { retryDelay } : {}),
  });
  const retries: Record<string, { count: number; delayMs: number }> = {};
  let counting = false;
  producer.on('client:performWithRetry:retry', (op, _attempt, _retries, delay) => {
    if (!counting) return;
    const r = (retries[op] ??= { count: 0, delayMs: 0 });
    r.count++;
    r.delayMs += delay;
  });
  // FindCoordinator + InitProducerId happen in the first beginTransaction(): do it now, then drop
  // that empty transaction locally (cancel sends nothing; the next begin reuses the producer id).
  await (await producer.beginTransaction()).cancel();
  return {
    version: `@platformatic/kafka ${version}`,
    async run() {
      counting = true;
      const sendMs: number[] = [];
      for (const { first, sends } of plan(o)) {
        const txn = await producer.beginTransaction();
        let i = first;
        for (const n of sends) {
          const messages = unpackRecords(packRecords(i, n), (key, value): PlatMessage => ({ topic, key, value }));
          i += n;
          const t0 = performance.now();
          await txn.send({ messages });
          sendMs.push(performance.now() - t0);
        }
        await txn.commit();
      }
      counting = false;
      return { sendMs, extra: { platRetry: o.platRetry, retries } };
    },
    close: () => producer.close(),
  };
}
