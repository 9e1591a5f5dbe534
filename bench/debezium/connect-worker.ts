/**
 * The Kafka Connect worker of `npm run bench -- --vs-debezium`: distributed mode (the only
 * mode with exactly-once source support), one worker, its group and internal topics named
 * after the run, a free REST port, the Debezium connector and Apicurio's converter each in
 * their own plugin.path directory. The jars come from bench/debezium/install.sh (Maven
 * Central, download cache). Every wait is bounded; stop() is safe to call twice.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HERE = new URL('./', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Installs (once per machine) and returns the directory with libs/ and plugins/. */
export function installConnect(log: (line: string) => void): string {
  log('Kafka Connect + Debezium + Apicurio converter: bench/debezium/install.sh (Maven, download cache; quick once installed)');
  const r = spawnSync('bash', [join(HERE, 'install.sh')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', timeout: 20 * 60_000 });
  if (r.status !== 0) throw new Error(`bench/debezium/install.sh failed (exit ${r.status ?? r.signal}); see its output above`);
  const dir = r.stdout.trim().split('\n').pop() ?? '';
  if (!existsSync(join(dir, 'libs')) || !existsSync(join(dir, 'plugins'))) throw new Error(`bench/debezium/install.sh printed "${dir}", which has no libs/ and plugins/`);
  return dir;
}

export interface WorkerOptions {
  readonly home: string;
  readonly kafka: string;
  /** the run's unique name: group id, internal topics, transactional ids */
  readonly name: string;
  readonly restPort: number;
  /** worker-level converter properties (key.converter..., value.converter...) */
  readonly converters: Readonly<Record<string, string>>;
}

export class ConnectWorker {
  private child: ChildProcess | null = null;
  private exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly dir: string;
  readonly logFile: string;

  constructor(private readonly o: WorkerOptions) {
    this.dir = mkdtempSync(join(tmpdir(), `${o.name}-connect-`));
    this.logFile = join(this.dir, 'connect.log');
  }

  get pid(): number | null { return this.child?.pid ?? null; }
  get running(): boolean { return this.child !== null && this.exited === null; }
  get exitDescription(): string { return this.exited ? `code ${this.exited.code}, signal ${this.exited.signal}` : 'running'; }
  get url(): string { return `http://127.0.0.1:${this.o.restPort}`; }

  start(): void {
    const { home, name } = this.o;
    const props: Record<string, string | number> = {
      'bootstrap.servers': this.o.kafka,
      'group.id': `${name}-connect`,
      'config.storage.topic': `${name}-connect-configs`,
      'offset.storage.topic': `${name}-connect-offsets`,
      'status.storage.topic': `${name}-connect-status`,
      'config.storage.replication.factor': 1,
      'offset.storage.replication.factor': 1,
      'status.storage.replication.factor': 1,
      'offset.storage.partitions': 1,
      'status.storage.partitions': 1,
      'exactly.once.source.support': 'enabled',
      'listeners': `http://127.0.0.1:${this.o.restPort}`,
      'rest.advertised.host.name': '127.0.0.1',
      'rest.advertised.port': this.o.restPort,
      'plugin.path': `${home}/plugins`,
      // Every plugin here is scanned from its jars; the manifests Kafka 3.6+ can use are not needed.
      'plugin.discovery': 'only_scan',
      ...this.o.converters,
    };
    const file = join(this.dir, 'worker.properties');
    writeFileSync(file, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
    // The heap and collector Kafka's own connect-distributed start script uses by default.
    const args = [
      '-Xms256m', '-Xmx2g', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35',
      '-XX:+ExplicitGCInvokesConcurrent', '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(HERE, 'connect-log4j2.properties')}`, `-Dcdc.bench.connect.log=${this.logFile}`,
      `-Dcdc.bench.run=${name}`,
      // Extra JVM options for experiments, e.g. a flight recording: -XX:StartFlightRecording=filename=/tmp/connect.jfr,settings=profile
      ...(process.env['CDC_BENCH_CONNECT_JAVA_OPTS'] ?? '').split(/\s+/).filter(Boolean),
      '-cp', `${home}/libs/*`, 'org.apache.kafka.connect.cli.ConnectDistributed', file,
    ];
    const child = spawn('java', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-4000); });
    child.on('exit', (code, signal) => { this.exited = { code, signal }; if (stderr.trim()) writeFileSync(join(this.dir, 'stderr.txt'), stderr); });
    child.on('error', () => { this.exited ??= { code: null, signal: null }; });
    this.child = child;
  }

  /** The last lines of the worker's log that say something went wrong (ERROR, WARN, exceptions). */
  trouble(lines = 20): string {
    let text = '';
    try { text = readFileSync(this.logFile, 'utf8'); } catch { return '(no log)'; }
    try { text += readFileSync(join(this.dir, 'stderr.txt'), 'utf8'); } catch { /* none */ }
    const bad = text.split('\n').filter((l) => /\] (ERROR|WARN) |Exception|^\s+at |Caused by/.test(l));
    return bad.slice(-lines).join('\n') || '(no warnings or errors logged)';
  }

  private async rest(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${this.url}${path}`, {
      method, headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let json: unknown = text;
    try { json = JSON.parse(text); } catch { /* plain text */ }
    return { status: res.status, json };
  }

  /** Resolves once the REST API answers and the worker has joined its group (GET /connectors works). */
  async waitReady(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`Kafka Connect exited during start-up (${this.exitDescription}):\n${this.trouble()}`);
      try {
        const r = await this.rest('GET', '/connectors');
        if (r.status === 200) return;
      } catch { /* not listening yet */ }
      if (Date.now() > end) throw new Error(`Kafka Connect REST API not ready within ${timeoutMs / 1000} s:\n${this.trouble()}`);
      await sleep(500);
    }
  }

  /** Creates the connector (PUT /connectors/<name>/config: retried while the worker is still rebalancing). */
  async createConnector(name: string, config: Readonly<Record<string, string>>, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.rest('PUT', `/connectors/${encodeURIComponent(name)}/config`, config);
      if (r.status === 200 || r.status === 201) return;
      if (Date.now() > end || r.status === 400) throw new Error(`PUT /connectors/${name}/config: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 2000)}`);
      await sleep(1000); // 409: rebalance in progress
    }
  }

  /** Waits until the connector and its task report RUNNING; throws with the trace when one FAILED. */
  async waitRunning(name: string, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    let last: unknown = null;
    for (;;) {
      if (!this.running) throw new Error(`Kafka Connect exited (${this.exitDescription}):\n${this.trouble()}`);
      const r = await this.rest('GET', `/connectors/${encodeURIComponent(name)}/status`).catch(() => null);
      if (r?.status === 200) {
        last = r.json;
        const s = r.json as { connector: { state: string; trace?: string }; tasks: { state: string; trace?: string }[] };
        const failed = [s.connector, ...s.tasks].find((x) => x.state === 'FAILED');
        if (failed) throw new Error(`connector ${name} FAILED: ${failed.trace ?? ''}`.slice(0, 4000));
        if (s.connector.state === 'RUNNING' && s.tasks.length > 0 && s.tasks.every((t) => t.state === 'RUNNING')) return;
      }
      if (Date.now() > end) throw new Error(`connector ${name} not RUNNING within ${timeoutMs / 1000} s (last status ${JSON.stringify(last)}):\n${this.trouble()}`);
      await sleep(500);
    }
  }

  /** The connector's task state, or a short reason it cannot be read. */
  async taskState(name: string): Promise<string> {
    const r = await this.rest('GET', `/connectors/${encodeURIComponent(name)}/status`).catch((e: unknown) => ({ status: 0, json: String(e) }));
    if (r.status !== 200) return `status unavailable (HTTP ${r.status})`;
    const s = r.json as { tasks: { state: string; trace?: string }[] };
    return s.tasks.map((t) => (t.state === 'FAILED' ? `FAILED: ${(t.trace ?? '').slice(0, 2000)}` : t.state)).join(', ') || 'no task';
  }

  /** SIGTERM (the worker stops its connector and leaves the group), SIGKILL after 30 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    child.kill('SIGTERM');
    for (let i = 0; i < 300 && !this.exited; i++) await sleep(100);
    if (!this.exited) {
      child.kill('SIGKILL');
      for (let i = 0; i < 100 && !this.exited; i++) await sleep(100);
    }
  }
}
