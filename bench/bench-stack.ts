/**
 * Where the bench's services come from: the environment when the stack's
 * variables are set (`. <state>/env`), otherwise `test/stack/stack.sh up`
 * (idempotent; CDC_STACK_DIR picks the state dir as usual), whose env file is
 * then read. The bench leaves a stack it started running for the next run.
 * `extras` names optional services (`--with mariadb`): when the environment
 * lacks one, the stack script is run with it, which starts only what is missing.
 * The daemon the benches spawn runs from dist/ (bin/cdc.mjs): it is built first
 * (incremental, so a build with nothing changed only checks), as the tests do.
 */
import { spawnSync } from 'node:child_process';
// @ts-expect-error plain JavaScript module without types
import { buildDist } from '../scripts/build.mjs';
import { stackEnv, type StackEnv } from '../test/helpers/stack-env.ts';

const ROOT = new URL('../', import.meta.url).pathname;

export interface BenchStack {
  readonly env: StackEnv;
  /** how the services were found, for the report */
  readonly origin: string;
}

/** The variable that says an optional service of the stack is up. */
const EXTRA_VARS: Readonly<Record<string, string>> = { mariadb: 'MYSQL_HOST' };

export function ensureStack(log: (line: string) => void, extras: readonly 'mariadb'[] = []): BenchStack {
  if (!(buildDist as () => boolean)()) throw new Error('npm run build failed (compiler errors above): the bench runs the compiled daemon');
  const fromEnv = stackEnv();
  const missing = extras.filter((x) => !process.env[EXTRA_VARS[x]!]);
  if (fromEnv && missing.length === 0) return { env: fromEnv, origin: `environment (PGHOST, KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL${extras.map((x) => `, ${EXTRA_VARS[x]}`).join('')})` };
  const args = ['up', ...extras.flatMap((x) => ['--with', x])];
  log(`stack env vars not set: starting the stack with \`bash test/stack/stack.sh ${args.join(' ')}\` (state dir: CDC_STACK_DIR or .stack)`);
  const up = spawnSync('bash', [`${ROOT}test/stack/stack.sh`, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', timeout: 15 * 60_000 });
  if (up.status !== 0) throw new Error(`test/stack/stack.sh up failed (exit ${up.status ?? up.signal}); see its output above`);
  for (const m of up.stdout.matchAll(/([A-Z_][A-Z0-9_]*)=("[^"]*"|'[^']*'|\S+)/g)) {
    process.env[m[1]!] ??= m[2]!.replace(/^["']|["']$/g, '');
  }
  for (const x of extras) if (!process.env[EXTRA_VARS[x]!]) throw new Error(`test/stack/stack.sh ${args.join(' ')} printed no ${EXTRA_VARS[x]}:\n${up.stdout}`);
  const started = stackEnv();
  if (!started) throw new Error(`test/stack/stack.sh up printed no usable env:\n${up.stdout}`);
  const dir = process.env.CDC_STACK_DIR;
  return { env: started, origin: `started by the bench via test/stack/stack.sh ${args.join(' ')} (state dir ${dir ?? '.stack'}); it stays up; stop it with: ${dir ? `CDC_STACK_DIR=${dir} ` : ''}bash test/stack/stack.sh down` };
}
