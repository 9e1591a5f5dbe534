/**
 * Runs the real daemon (`cdc run`) as a child process with a generated config
 * file, the way a user does; SIGKILL and SIGTERM reach the real process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StackEnv } from './stack-env.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface DaemonOptions {
  readonly env: StackEnv;
  readonly name: string;
  readonly database: string;
  readonly connector: Readonly<Record<string, string | number | boolean>>;
  readonly groupId?: string;
  readonly offsetsTopic?: string;
  readonly restPort?: number;
  /** extra worker settings (e.g. cluster.mode) */
  readonly worker?: Readonly<Record<string, string | number | boolean>>;
  /** the source of the connector in the file: PostgreSQL (default) or the stack's MariaDB (`database` = the database captured) */
  readonly source?: 'postgres' | 'mariadb';
  /** false: no connector in the file (created through the REST API instead) */
  readonly withConnector?: boolean;
}

export function writeConfig(o: DaemonOptions): string {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-test-'));
  const file = join(dir, 'cdc.json');
  const config = {
    worker: {
      'bootstrap.servers': o.env.kafka,
      'group.id': o.groupId ?? `g-${o.name}`,
      'offset.storage.topic': o.offsetsTopic ?? `offsets-${o.name}`,
      'config.storage.topic': `configs-${o.groupId ?? o.name}`,
      'status.storage.topic': `status-${o.groupId ?? o.name}`,
      'status.storage.partitions': 1,
      'rest.port': o.restPort ?? 0,
      'rest.host.name': '127.0.0.1',
      'offset.storage.partitions': 5,
      'schema.registry.url': o.env.registry,
      'metrics.port': 0,
      'log.level': 'info',
      ...o.worker,
    },
    connectors: o.withConnector === false ? [] : [{
      name: o.name,
      config: o.source === 'mariadb' ? {
        'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector',
        'database.hostname': process.env['MYSQL_HOST'] ?? '127.0.0.1',
        'database.port': Number(process.env['MYSQL_PORT'] ?? 3306),
        'database.user': process.env['MYSQL_USER'] ?? 'root',
        'database.password': '${env:CDC_TEST_MYSQLPASSWORD}',
        'database.include.list': o.database,
        'topic.prefix': o.name,
        'topic.creation.default.partitions': 1,
        'topic.creation.default.replication.factor': -1,
        ...o.connector,
      } : {
        'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
        'database.hostname': o.env.pg.host,
        'database.port': o.env.pg.port,
        'database.user': o.env.pg.user,
        'database.password': '${env:CDC_TEST_PGPASSWORD}',
        'database.dbname': o.database,
        'topic.prefix': o.name,
        'slot.name': o.name.replace(/[^a-z0-9_]/g, '_'),
        'publication.name': `pub_${o.name.replace(/[^a-z0-9_]/g, '_')}`,
        // The stack's broker does not auto-create topics: the connector creates its own (Connect's KIP-158).
        'topic.creation.default.partitions': 1,
        'topic.creation.default.replication.factor': -1,
        ...o.connector,
      },
    }],
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** The connector config writeConfig would put in the file, for creating it through the REST API. */
export function connectorConfig(o: DaemonOptions): Record<string, string> {
  const c = JSON.parse(readFileSync(writeConfig({ ...o, withConnector: true }), 'utf8')) as { connectors: { config: Record<string, unknown> }[] };
  return Object.fromEntries(Object.entries(c.connectors[0]!.config).map(([k, v]) => [k, String(v)]));
}

export class Daemon {
  private child: ChildProcess | null = null;
  output = '';
  private exitWaiters: ((code: number | null) => void)[] = [];
  exitCode: number | null | undefined = undefined;

  /**
   * launcher: the command before `run --config <file>`; by default this node running the compiled
   * daemon through bin/cdc.mjs, as users run it (the bench also starts it through tsx to compare).
   */
  constructor(readonly configFile: string, private readonly env: StackEnv, private readonly launcher: readonly string[] = [process.execPath, join(ROOT, 'bin/cdc.mjs')]) {}

  start(): this {
    this.exitCode = undefined;
    const child = spawn(this.launcher[0]!, [...this.launcher.slice(1), 'run', '--config', this.configFile], {
      cwd: ROOT, env: { ...process.env, CDC_TEST_PGPASSWORD: this.env.pg.password, CDC_TEST_MYSQLPASSWORD: process.env['MYSQL_PASSWORD'] ?? 'mariadb' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (b: Buffer) => { this.output += b.toString(); });
    child.stderr!.on('data', (b: Buffer) => { this.output += b.toString(); });
    child.on('exit', (code) => {
      this.exitCode = code;
      this.child = null;
      for (const w of this.exitWaiters.splice(0)) w(code);
    });
    this.child = child;
    return this;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** The daemon's process id while it runs (for /proc/<pid>/status: peak RSS). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Sends a signal that does not end the process (SIGSTOP / SIGCONT; SIGHUP re-reads the config file). */
  signal(signal: 'SIGSTOP' | 'SIGCONT' | 'SIGHUP'): void {
    this.child?.kill(signal);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    if (!this.child) return Promise.resolve(this.exitCode ?? null);
    const p = new Promise<number | null>((r) => this.exitWaiters.push(r));
    this.child.kill(signal);
    return p;
  }

  async stop(): Promise<void> {
    if (!this.child) return;
    const t = setTimeout(() => this.child?.kill('SIGKILL'), 20_000);
    await this.kill('SIGTERM');
    clearTimeout(t);
  }

  /** The daemon's JSON log lines so far (other output skipped). */
  logLines(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const line of this.output.split('\n')) {
      if (!line.startsWith('{')) continue;
      try { out.push(JSON.parse(line) as Record<string, unknown>); } catch { /* a line cut by the pipe */ }
    }
    return out;
  }

  /** Runs fn; on failure, appends the end of the daemon's log to the error. */
  async withLog<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      appendToError(err, `\n--- daemon log (tail) ---\n${this.output.slice(-6000)}`);
      throw err;
    }
  }

  /**
   * Runs fn; on failure, appends the end of each daemon's log to the error, labelled. `omit` drops
   * lines (e.g. the test's own status polls) that would otherwise fill the tail.
   */
  static async withLogs<T>(daemons: readonly { label: string; daemon: Daemon }[], fn: () => Promise<T>, opts: { tailChars?: number; omit?: RegExp } = {}): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const tail = (d: Daemon) => d.output.split('\n').filter((l) => !opts.omit?.test(l)).join('\n').slice(-(opts.tailChars ?? 6000));
      appendToError(err, daemons.map(({ label, daemon }) => `\n--- ${label} log (tail) ---\n${tail(daemon)}`).join(''));
      throw err;
    }
  }

  /**
   * Waits until the stream runs and, when this start began a chunked initial snapshot, until that
   * snapshot was handed out whole: a row written after this is streamed only, never also read by a
   * chunk (the chunked snapshot runs beside the stream; docs/snapshots.md).
   */
  async waitForStreaming(timeoutMs = 60_000): Promise<void> {
    await this.waitForLog(/replication stream started|reading the binlog/, timeoutMs);
    if (/initial snapshot starts beside the stream/.test(this.output)) await this.waitForLog(/initial snapshot complete/, timeoutMs);
  }

  /** Waits until the log shows `pattern` (or the process exits). */
  async waitForLog(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    const t0 = Date.now();
    while (!pattern.test(this.output)) {
      if (!this.running && this.exitCode !== undefined) throw new Error(`daemon exited (${this.exitCode}) before ${pattern}:\n${this.output.slice(-4000)}`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${pattern}:\n${this.output.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Adds text to a test failure. The stack too: the test reporter prints it, and node's assert
 * errors build theirs when thrown, so a later change of their message alone would not show.
 */
export function appendToError(err: unknown, text: string): void {
  if (!(err instanceof Error)) return;
  err.message += text;
  if (err.stack && !err.stack.includes(text)) err.stack += text;
}
