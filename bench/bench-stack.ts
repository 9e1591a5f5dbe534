/**
 * Where the bench's services come from: the environment when the stack's
 * variables are set (`. <state>/env`), otherwise `test/stack/stack.sh up`
 * (idempotent; CDC_STACK_DIR picks the state dir as usual), whose env file is
 * then read. The bench leaves a stack it started running for the next run.
 */
import { spawnSync } from 'node:child_process';
import { stackEnv, type StackEnv } from '../test/helpers/stack-env.ts';

const ROOT = new URL('../', import.meta.url).pathname;

export interface BenchStack {
  readonly env: StackEnv;
  /** how the services were found, for the report */
  readonly origin: string;
}

export function ensureStack(log: (line: string) => void): BenchStack {
  const fromEnv = stackEnv();
  if (fromEnv) return { env: fromEnv, origin: 'environment (PGHOST, KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL)' };
  log('stack env vars not set: starting the stack with `bash test/stack/stack.sh up` (state dir: CDC_STACK_DIR or .stack)');
  const up = spawnSync('bash', [`${ROOT}test/stack/stack.sh`, 'up'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', timeout: 15 * 60_000 });
  if (up.status !== 0) throw new Error(`test/stack/stack.sh up failed (exit ${up.status ?? up.signal}); see its output above`);
  for (const m of up.stdout.matchAll(/([A-Z_][A-Z0-9_]*)=("[^"]*"|'[^']*'|\S+)/g)) {
    process.env[m[1]!] ??= m[2]!.replace(/^["']|["']$/g, '');
  }
  const started = stackEnv();
  if (!started) throw new Error(`test/stack/stack.sh up printed no usable env:\n${up.stdout}`);
  const dir = process.env.CDC_STACK_DIR;
  return { env: started, origin: `started by the bench via test/stack/stack.sh up (state dir ${dir ?? '.stack'}); it stays up; stop it with: ${dir ? `CDC_STACK_DIR=${dir} ` : ''}bash test/stack/stack.sh down` };
}
