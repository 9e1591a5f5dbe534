/**
 * `cdc migrate` for MySQL and MariaDB: runs the SQL files of migrations/mysql in order with
 * their parameters as user variables (the same files run by hand through the mysql or
 * mariadb client, see their headers). 001 creates the least-privilege CDC user (only with
 * a role name, as for PostgreSQL) and is run once per captured database, because each gets
 * its own SELECT grant; 002 creates the signal table of signal.data.collection, if any.
 * Shaped like sources/postgres/migrate.ts so `cdc migrate` can call it through the plugin's
 * migrate hook once src/ has one (issue 10).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedConfig } from '../../src/config/define.ts';
import type { Logger } from '../../src/log/logger.ts';
import { SourceError } from '../../src/errors/cdc-error.ts';
import { packagePath } from '../../src/runtime/package-path.ts';
import { readMysqlTaskConfig } from './config-task.ts';
import { openSql, type SqlConnection } from './server-checks-connect.ts';
import { readServerFacts } from './server-checks-facts.ts';
import { globalNeeds } from './server-checks-privileges.ts';
import { filterTables, visibleTables } from './server-checks-tables.ts';

// From the package root, so it holds for the sources and for the compiled dist/ alike.
const DIR = packagePath(import.meta.url, 'migrations/mysql/');

export interface MysqlMigrateOptions {
  /** the CDC user to create (PostgreSQL's --role); without it the user file is skipped */
  readonly role?: string;
  readonly rolePassword?: string;
  /** host part of the account; default '%' (any host) */
  readonly roleHost?: string;
  readonly log: Logger;
}

export async function migrateMysql(config: ParsedConfig, opts: MysqlMigrateOptions): Promise<string[]> {
  const cfg = readMysqlTaskConfig(config);
  const where = `connector "${config.getString('name') ?? cfg.events.topicPrefix}"`;
  const sql = await openSql(cfg.connection, where, { multipleStatements: true });
  const applied: string[] = [];
  try {
    const facts = await readServerFacts(sql);
    const needsReload = globalNeeds(facts.version.flavour, false, cfg.snapshot.lockingMode).some((n) => n.privilege === 'RELOAD');
    const databases = [...new Set(filterTables(await visibleTables(sql), cfg.filters).map((t) => t.database))];
    const signalTable = (config.getList('signal.data.collection') ?? [])[0] ?? '';
    const common = { cdc_user: opts.role ?? '', cdc_password: opts.rolePassword ?? '', cdc_host: opts.roleHost ?? '%', cdc_reload: needsReload ? 'YES' : 'NO', cdc_signal_table: signalTable };
    for (const file of readdirSync(DIR).filter((f) => f.endsWith('.sql')).sort()) {
      const text = readFileSync(join(DIR, file), 'utf8');
      if (file.includes('cdc_user')) {
        if (!opts.role) continue;
        // One run per captured database (each gets SELECT); at least one run for the replication grants.
        for (const db of databases.length > 0 ? databases : ['']) await run(sql, file, text, { ...common, cdc_database: db }, cfg.connection.user, opts.rolePassword);
      } else {
        await run(sql, file, text, common, cfg.connection.user, opts.rolePassword);
      }
      applied.push(file);
      opts.log.info({ file }, 'migration applied');
    }
  } finally {
    await sql.end().catch(() => undefined);
  }
  return applied;
}

async function run(sql: SqlConnection, file: string, text: string, vars: Record<string, string>, admin: string, secret: string | undefined): Promise<void> {
  try {
    const names = Object.keys(vars);
    await sql.query(`SET ${names.map((n) => `@${n} = ?`).join(', ')}`, names.map((n) => vars[n]));
    await sql.query(text);
  } catch (err) {
    throw new SourceError({
      // The server may quote the statement it refused: never let the new user's password through.
      code: 'CDC_MYSQL_MIGRATION', what: `migration ${file} failed: ${secret ? (err as Error).message.split(secret).join('[hidden]') : (err as Error).message}`,
      where: `migrations/mysql/${file}, as user ${admin}`,
      fix: 'run cdc migrate with an administrator in database.user (CREATE USER, and GRANT OPTION on what the file grants), or apply the file by hand as its header shows',
    });
  }
}
