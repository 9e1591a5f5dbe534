/**
 * What integration tests need from the running stack (test/stack/stack.sh up
 * writes .stack/env; scripts/run-tests.mjs loads it). Tests skip with this
 * reason when the stack is not up, so unit runs stay service-free.
 */
export interface StackEnv {
  readonly pg: { host: string; port: number; user: string; password: string };
  readonly kafka: string;
  readonly registry: string;
}

export function stackEnv(): StackEnv | null {
  const e = process.env;
  if (!e.PGHOST || !e.PGPORT || !e.KAFKA_BOOTSTRAP_SERVERS || !e.SCHEMA_REGISTRY_URL) return null;
  return {
    pg: { host: e.PGHOST, port: Number(e.PGPORT), user: e.PGUSER ?? 'postgres', password: e.PGPASSWORD ?? 'postgres' },
    kafka: e.KAFKA_BOOTSTRAP_SERVERS,
    registry: e.SCHEMA_REGISTRY_URL,
  };
}

export const SKIP_REASON = 'stack not running: run `bash test/stack/stack.sh up` (or npm test, which .ci/run prepares)';
