/**
 * `--catch-up`: the process that reads the WAL (the daemon, or Kafka Connect's worker) is
 * stopped with SIGSTOP while the rows are written and resumed with SIGCONT after the load, so
 * it then catches up on a pre-written WAL, as pg_recvlogical's ceiling does; its events/s is
 * counted from the resume. A stopped process keeps its connections: PostgreSQL's
 * wal_sender_timeout (60 s by default) and a Connect worker's group session (10 s by default)
 * bound how long the load may take.
 */
export async function whileStopped<T>(pid: number, load: () => Promise<T>, log: (s: string) => void): Promise<{ result: T; resumedAtMs: number }> {
  process.kill(pid, 'SIGSTOP');
  log(`catch-up: process ${pid} stopped while the rows are written`);
  let result: T;
  try {
    result = await load();
  } finally {
    // Also when the load failed: a stopped process would not even see the SIGTERM of the clean-up.
    process.kill(pid, 'SIGCONT');
  }
  const resumedAtMs = Date.now();
  log(`catch-up: process ${pid} resumed`);
  return { result, resumedAtMs };
}

/** The burst load, run while `pid` is stopped when `catchUp` (resumedAtMs -Infinity otherwise: the span starts at the first commit). */
export async function burstLoadFor<T>(catchUp: boolean, pid: number, load: () => Promise<T>, log: (s: string) => void): Promise<{ result: T; resumedAtMs: number }> {
  return catchUp ? whileStopped(pid, load, log) : { result: await load(), resumedAtMs: -Infinity };
}
