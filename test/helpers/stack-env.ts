/**
 * What integration tests need from the running stack (test/stack/stack.sh up
 * writes .stack/env; scripts/run-tests.mjs loads it).
 *
 * Whether a missing stack skips or fails: a run that is meant to include the
 * integration tests must not turn green by skipping them. scripts/run-tests.mjs
 * (npm test, --it) sets CDC_REQUIRE_STACK=1, and CI systems set CI=true; then a
 * test file that finds no stack throws when it loads, which fails the file with
 * the reason. Only a file run by hand (node --test / tsx --test) without either
 * variable skips, so a developer can run it without services.
 */
export interface StackEnv {
  readonly pg: { host: string; port: number; user: string; password: string };
  readonly kafka: string;
  readonly registry: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** True when a missing service must fail the test rather than skip it. */
export function stackRequired(e: Env = process.env): boolean {
  return e['CDC_REQUIRE_STACK'] === '1' || /^(true|1|yes)$/i.test(e['CI'] ?? '');
}

/**
 * `null` (skip) when any of `vars` is unset and the stack is not required;
 * throws when it is required. `what` names the service for the message.
 */
export function requireServices(vars: readonly string[], what: string, fix: string, e: Env = process.env): true | null {
  const missing = vars.filter((v) => !e[v]);
  if (missing.length === 0) return true;
  if (stackRequired(e)) {
    const why = e['CDC_REQUIRE_STACK'] === '1' ? 'CDC_REQUIRE_STACK=1 (set by npm test / scripts/run-tests.mjs)' : `CI=${e['CI']}`;
    throw new Error(`${what} not found: ${missing.join(', ')} unset, and ${why} says integration tests must run, not skip. Fix: ${fix}`);
  }
  return null;
}

const STACK_FIX = 'run `bash test/stack/stack.sh up` and `. $CDC_STACK_DIR/env` (npm test starts it for you), or run `npm run test:unit` for unit tests only';

/**
 * The PostgreSQL major the integration tests run against: CDC_TEST_PG=14..18 picks the
 * stack's extra server of that major (`stack.sh up --with pg<major>`, port PG<major>_PORT);
 * unset, the stack's default server (Debian's 15 at PGPORT). `npm run test:matrix` sets it.
 */
export function testPgPort(e: Env = process.env): number {
  const major = e['CDC_TEST_PG'];
  if (!major) return Number(e['PGPORT']);
  if (!/^1[4-8]$/.test(major)) throw new Error(`CDC_TEST_PG=${major}: use a PostgreSQL major from 14 to 18, or unset it for the default server`);
  const port = e[`PG${major}_PORT`];
  if (!port) throw new Error(`CDC_TEST_PG=${major} but PG${major}_PORT is unset: start that server with \`bash test/stack/stack.sh up --with pg${major}\` and source $CDC_STACK_DIR/env (npm run test:matrix does both)`);
  return Number(port);
}

/** The stack's coordinates, or null (the test skips) when it is not up and not required. */
export function stackEnv(e: Env = process.env): StackEnv | null {
  if (!requireServices(['PGHOST', 'PGPORT', 'KAFKA_BOOTSTRAP_SERVERS', 'SCHEMA_REGISTRY_URL'], 'test stack', STACK_FIX, e)) return null;
  return {
    pg: { host: e['PGHOST']!, port: testPgPort(e), user: e['PGUSER'] ?? 'postgres', password: e['PGPASSWORD'] ?? 'postgres' },
    kafka: e['KAFKA_BOOTSTRAP_SERVERS']!,
    registry: e['SCHEMA_REGISTRY_URL']!,
  };
}

export const SKIP_REASON = `stack not running: ${STACK_FIX}`;
