/**
 * `cdc validate` and POST /connectors for a MySQL/MariaDB connector: connect with the
 * connector's settings, run every server check, and hand back each problem with the
 * property it belongs to (for config/validate) and the warnings (short binlog retention,
 * the other flavour's connector class, patterns that match no table).
 * Wired by the plugin's validateEnvironment (sources/mysql connector, other work).
 */
import type { ParsedConfig } from '../../src/config/define.ts';
import { CdcError } from '../../src/errors/cdc-error.ts';
import type { Logger } from '../../src/log/logger.ts';
import type { ValidationProblem } from '../../src/runtime/source-task.ts';
import { readMysqlTaskConfig } from './config-task.ts';
import { openSql } from './server-checks-connect.ts';
import { serverProblems } from './server-checks.ts';

/** "connector "x", property database.user" -> database.user (the first one named) */
function propertyOf(where: string | undefined): string {
  const m = /propert(?:y|ies) ([\w.]+)/.exec(where ?? '');
  return m ? m[1]! : 'database.hostname';
}

export async function validateMysqlEnvironment(config: ParsedConfig, log: Logger): Promise<ValidationProblem[]> {
  const cfg = readMysqlTaskConfig(config);
  const where = `connector "${config.getString('name') ?? cfg.events.topicPrefix}"`;
  const out: ValidationProblem[] = [];
  const push = (e: CdcError) => out.push({ code: e.code, what: e.what, where: e.where ?? where, fix: e.fix ?? '', property: propertyOf(e.where) });
  let sql;
  try {
    sql = await openSql(cfg.connection, where);
  } catch (err) {
    if (err instanceof CdcError) { push(err); return out; }
    throw err;
  }
  try {
    const report = await serverProblems(sql, cfg, where);
    for (const p of report.problems) push(p);
    for (const w of report.warnings) log.warn({ connector: config.getString('name') }, w);
  } finally {
    await sql.end().catch(() => undefined);
  }
  return out;
}
