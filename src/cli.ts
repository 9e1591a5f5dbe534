#!/usr/bin/env node
/**
 * The composition root and command line:
 *   cdc run      --config cdc.yaml   run a standalone worker with the file's connectors
 *   cdc validate --config cdc.yaml   check config and each source database; exit 1 on any problem
 *   cdc migrate  --config cdc.yaml   apply migrations/<source> to each connector's database
 * The only place (with src/config) that reads process.env, and the only file in src/ that
 * knows the built-in plugins (sources/builtin-plugins.ts, the list a new source joins).
 */
// First: kafkajs's produce path is patched in its module cache before anything loads kafkajs.
import { kafkajsPatch } from './kafka/kafkajs-patch.ts';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CdcError, CdcErrorList, describeError } from './errors/cdc-error.ts';
import { loadDaemonConfig, readTextFile, type DaemonConfig } from './config/load.ts';
import { workerConfigDef, applyWorkerDefaults } from './config/worker-config.ts';
import type { ParsedConfig } from './config/define.ts';
import { createLogger, type Logger } from './log/logger.ts';
import { PluginRegistry } from './runtime/plugin-registry.ts';
import { loadPluginPath } from './runtime/plugin-loader.ts';
import { Worker } from './runtime/worker.ts';
import { kafkaSecurity } from './kafka/kafka-security.ts';
import { StandaloneMembership } from './cluster/membership.ts';
import { GroupMembership } from './cluster/group-membership.ts';
import { LogLevels, levelledLogger, type Level } from './log/log-levels.ts';
import { createRestServer } from './rest/rest-server.ts';
import { restConfigFromWorker } from './rest/rest-config.ts';
import { createConverters } from './serde/create-converter.ts';
import { builtinPlugins } from '../sources/builtin-plugins.ts';
import type { TransformRegistry } from './transforms/transform-registry.ts';
import { builtinTransformRegistry } from './transforms/builtin.ts';
import { loadTransformPluginPath } from './transforms/transform-loader.ts';
import { withTransformFields } from './transforms/transform-config.ts';

const VERSION = '0.1.0';

const USAGE = `usage:
  cdc run      --config <file>   run the connectors of a config file (standalone worker)
  cdc validate --config <file>   check the config and every source database, list all problems
  cdc migrate  --config <file> [--connector <name>] [--role <name> --role-password-env <VAR>]
                                 prepare each source database (role, heartbeat table, publication)
`;

function plugins(): PluginRegistry {
  const registry = new PluginRegistry();
  for (const p of builtinPlugins()) registry.register(p);
  return registry;
}

/** Built-in transformations and predicates (src/transforms/builtin.ts); plugin.path adds more (loadTransformPluginPath). */
function transformPlugins(): TransformRegistry {
  return builtinTransformRegistry();
}

function load(file: string): { daemon: DaemonConfig; worker: ParsedConfig } {
  const daemon = loadDaemonConfig(file, { env: process.env, readFile: readTextFile });
  const worker = workerConfigDef().parse(daemon.worker.config, daemon.worker.where, { secretKeys: daemon.worker.secretKeys });
  return { daemon, worker };
}

function report(err: unknown, log?: Logger): number {
  const errors = err instanceof CdcErrorList ? err.errors : err instanceof CdcError ? [err] : null;
  if (errors) {
    process.stderr.write(`${errors.length} problem${errors.length === 1 ? '' : 's'} found:\n\n${errors.map((e) => e.message).join('\n\n')}\n`);
    return 1;
  }
  if (log) log.error({ err: describeError(err) }, 'unexpected failure');
  process.stderr.write(`unexpected failure: ${err instanceof Error ? err.stack : String(err)}\n`);
  return 2;
}

async function run(file: string): Promise<number> {
  const { daemon, worker } = load(file);
  const registry = plugins();
  const levels = new LogLevels((worker.getString('log.level') ?? 'info') as Level);
  const log = levelledLogger(levels);
  for (const w of worker.warnings) log.warn({ property: w.property }, `worker config: ${w.message}`);
  if (kafkajsPatch.note !== null) log.warn({ kafkajs: kafkajsPatch }, 'the faster kafkajs produce path is not (fully) in place; records are still written correctly, more slowly');
  await loadPluginPath(registry, worker.getList('plugin.path') ?? [], log);
  const transforms = transformPlugins();
  await loadTransformPluginPath(transforms, worker.getList('plugin.path') ?? [], log);
  const w = new Worker({
    worker, connectors: daemon.connectors, plugins: registry, transforms, log, levels, version: VERSION,
    providers: { env: process.env, readFile: readTextFile },
    converters: (config, clog) => createConverters(config.raw(), clog),
    membership: ({ workerId, kafka, configs, kafkaOutage }) => (worker.getString('cluster.mode') === 'distributed'
      ? new GroupMembership({
        kafka, configs, workerId, log, kafkaOutage, groupId: worker.getString('group.id') ?? 'cdc',
        anchorTopic: worker.getString('status.storage.topic') ?? 'connect-status',
        sessionTimeoutMs: worker.getInt('session.timeout.ms') ?? 10000,
        heartbeatIntervalMs: worker.getInt('heartbeat.interval.ms') ?? 3000,
        rebalanceTimeoutMs: worker.getInt('rebalance.timeout.ms') ?? 60000,
      })
      : new StandaloneMembership(workerId)),
    rest: async (herder) => {
      const server = createRestServer({ herder, log: log.child({ component: 'cdc.rest' }), config: { ...restConfigFromWorker(worker), port: w.port() } });
      const { port } = await server.listen();
      log.info({ port }, 'REST API listening');
      return server;
    },
  });
  let stopping = false;
  const stopped = new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping: committing or aborting in-flight transactions');
      const force = setTimeout(() => { log.error({}, 'stop took longer than 30 s; exiting'); process.exit(1); }, 30_000);
      force.unref();
      void w.stop().then(resolve);
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  });
  // SIGHUP re-reads the file: its connectors are added, changed or removed; a bad file changes nothing.
  // Installed before start so an early SIGHUP is not Node's default (exit); it waits for the start.
  let starting: Promise<unknown> = Promise.resolve();
  process.on('SIGHUP', () => {
    if (stopping) return;
    void starting.then(() => reloadConnectors(file, w, daemon.worker.config, log), () => undefined);
  });
  starting = w.start();
  await starting;
  await stopped;
  return 0;
}

/**
 * SIGHUP: re-reads the file and applies its connectors section (worker settings need a
 * restart: they build Kafka clients, the REST server and the group membership). A file
 * that does not load or a connector config that does not parse is refused with every
 * problem, and the running connectors keep running as they are.
 */
async function reloadConnectors(file: string, w: Worker, workerAtStart: Readonly<Record<string, unknown>>, log: Logger): Promise<void> {
  log.info({ file }, 'SIGHUP: re-reading the config file');
  try {
    const { daemon } = load(file);
    if (JSON.stringify(daemon.worker.config) !== JSON.stringify(workerAtStart)) {
      log.warn({ file }, 'SIGHUP: the worker section of the config file changed; worker settings apply only at start: restart the daemon to use them (the connectors section is applied now)');
    }
    await w.reloadFileConnectors(daemon.connectors.map((c) => ({ name: c.name, config: c.written })));
  } catch (err) {
    const errors = err instanceof CdcErrorList ? err.errors : err instanceof CdcError ? [err] : null;
    const problems = errors ? errors.map((e) => e.message) : [describeError(err)];
    log.error({ file, problems }, `SIGHUP: config file refused, nothing changed and the running connectors keep running; ${problems.length} problem(s): ${problems.join(' | ')}; fix: correct ${file}, check it with cdc validate --config ${file}, then send SIGHUP again`);
  }
}

async function validate(file: string): Promise<number> {
  const { daemon, worker } = load(file);
  const registry = plugins();
  const log = createLogger({ level: 'warn' });
  const transforms = transformPlugins();
  await loadTransformPluginPath(transforms, worker.getList('plugin.path') ?? [], log);
  const problems: string[] = [];
  const warnings = worker.warnings.map((w) => `worker config (${daemon.worker.where}): ${w.message}`);
  try {
    kafkaSecurity(worker, readFileSync, daemon.worker.where); // TLS files exist, are PEM, keys open
  } catch (err) {
    if (err instanceof CdcErrorList) problems.push(...err.errors.map((e) => e.message));
    else throw err;
  }
  for (const c of daemon.connectors) {
    let config: ParsedConfig;
    let plugin;
    try {
      plugin = registry.find(String(c.config['connector.class'] ?? ''), c.where);
      const values = applyWorkerDefaults(worker, { name: c.name, ...c.config });
      config = withTransformFields(plugin.configDef, values, transforms).parse(values, c.where, { secretKeys: c.secretKeys });
    } catch (err) {
      if (err instanceof CdcErrorList) { problems.push(...err.errors.map((e) => e.message)); continue; }
      if (err instanceof CdcError) { problems.push(err.message); continue; }
      throw err;
    }
    warnings.push(...config.warnings.map((w) => `${c.where}: ${w.message}`));
    for (const p of await plugin.validateEnvironment(config, log)) problems.push(CdcError.format(p));
  }
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  if (problems.length > 0) {
    process.stderr.write(`${problems.length} problem${problems.length === 1 ? '' : 's'} found:\n\n${problems.join('\n\n')}\n`);
    return 1;
  }
  process.stdout.write(`${file}: ${daemon.connectors.length} connector(s) valid; databases reachable and ready\n`);
  return 0;
}

async function migrate(file: string, opts: { connector?: string; role?: string; rolePasswordEnv?: string }): Promise<number> {
  const { daemon, worker } = load(file);
  const registry = plugins();
  const log = createLogger({ level: 'info' });
  const targets = daemon.connectors.filter((c) => !opts.connector || c.name === opts.connector);
  if (targets.length === 0) throw new CdcError({ code: 'CDC_CLI_NO_CONNECTOR', what: `no connector named ${opts.connector} in ${file}`, fix: 'use a name from the connectors section' });
  let rolePassword: string | undefined;
  if (opts.role) {
    rolePassword = opts.rolePasswordEnv ? process.env[opts.rolePasswordEnv] : undefined;
    if (!rolePassword) throw new CdcError({ code: 'CDC_CLI_ROLE_PASSWORD', what: '--role needs a password', where: '--role-password-env', fix: 'export the password in an environment variable and name it with --role-password-env VAR' });
  }
  for (const c of targets) {
    const plugin = registry.find(String(c.config['connector.class'] ?? ''), c.where);
    const config = plugin.configDef.parse(applyWorkerDefaults(worker, { name: c.name, ...c.config }), c.where, { secretKeys: c.secretKeys });
    if (!plugin.migrate) { log.warn({ connector: c.name, class: plugin.className }, 'no migrations for this connector type'); continue; }
    const applied = await plugin.migrate(config, { ...(opts.role ? { role: opts.role, rolePassword: rolePassword! } : {}), log });
    process.stdout.write(`connector ${c.name}: applied ${applied.join(', ')}\n`);
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest, allowPositionals: false, strict: true,
    options: { config: { type: 'string', short: 'c' }, connector: { type: 'string' }, role: { type: 'string' }, 'role-password-env': { type: 'string' } },
  });
  if (!command || command === 'help' || command === '--help') { process.stdout.write(USAGE); return command ? 0 : 2; }
  if (!values.config) { process.stderr.write(`missing --config <file>\n\n${USAGE}`); return 2; }
  switch (command) {
    case 'run': return run(values.config);
    case 'validate': return validate(values.config);
    case 'migrate': return migrate(values.config, { ...(values.connector ? { connector: values.connector } : {}), ...(values.role ? { role: values.role } : {}), ...(values['role-password-env'] ? { rolePasswordEnv: values['role-password-env'] } : {}) });
    default: process.stderr.write(`unknown command ${command}\n\n${USAGE}`); return 2;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => process.exit(report(err)));
