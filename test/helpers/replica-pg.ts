/**
 * A second, throwaway PostgreSQL server with wal_level=replica, for the test
 * that the daemon refuses it clearly. Same Debian binaries as the stack's.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

const BIN = '/usr/lib/postgresql/15/bin';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
}

function asPostgres(args: string[]): void {
  const isRoot = process.getuid?.() === 0;
  const r = isRoot ? spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8' }) : spawnSync(args[0]!, args.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
}

export async function startReplicaLevelPg(): Promise<{ port: number; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-pg-replica-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const pw = join(dir, 'pw');
  writeFileSync(pw, 'postgres\n');
  chmodSync(pw, 0o644);
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres', dir]);
  asPostgres([`${BIN}/initdb`, '-D', data, '-U', 'postgres', '--pwfile', pw, '-A', 'scram-sha-256', '--no-sync']);
  const port = await freePort();
  asPostgres([`${BIN}/pg_ctl`, '-D', data, '-l', join(dir, 'log'), '-w', '-o',
    `-c port=${port} -c listen_addresses=127.0.0.1 -c wal_level=replica -c unix_socket_directories=${dir} -c fsync=off`, 'start']);
  return {
    port,
    stop: () => {
      try { asPostgres([`${BIN}/pg_ctl`, '-D', data, '-m', 'immediate', '-w', 'stop']); } finally { rmSync(dir, { recursive: true, force: true }); }
    },
  };
}
