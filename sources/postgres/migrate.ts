/**
 * `cdc migrate` for PostgreSQL: runs the SQL files of migrations/postgres in
 * order on the connector's database, with their parameters as session
 * settings (the same files run by hand through psql and PGOPTIONS).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedConfig } from '../../src/config/define.ts';
import type { Logger } from '../../src/log/logger.ts';
import { SourceError } from '../../src/errors/cdc-error.ts';
import { packagePath } from '../../src/runtime/package-path.ts';
import { openSql } from './connection.ts';
import { readPgTaskConfig } from './task-config.ts';
import { listCapturedTables } from './table-registry.ts';
import { F } from './config-spec.ts';

// From the package root, so it holds for the sources and for the compiled dist/ alike.
const DIR = packagePath(import.meta.url, 'migrations/postgres/');

export async function migratePostgres(config: ParsedConfig, opts: { role?: string; rolePassword?: string; log: Logger }): Promise<string[]> {
  const cfg = readPgTaskConfig(config);
  const sql = await openSql(cfg.connection);
  const applied: string[] = [];
  try {
    const tables = config.get(F.tableInclude).length > 0 ? await listCapturedTables(sql, cfg) : [];
    const schemas = [...new Set(tables.map((t) => t.schema))];
    const settings: Record<string, string> = {
      'cdc.user': opts.role ?? cfg.connection.user,
      'cdc.password': opts.rolePassword ?? '',
      'cdc.schema': schemas[0] ?? 'public',
      'cdc.publication': cfg.publicationName,
      'cdc.publish_via_root': String(cfg.publishViaRoot),
      // The signal table (source channel) is created and published by 004_signal_table.sql.
      'cdc.signal_table': (config.getList('signal.data.collection') ?? [])[0] ?? '',
      // The heartbeat table travels through the slot too, so it must be published.
      'cdc.tables': tables.length ? [...tables.map((t) => `${t.schema}.${t.name}`), `${schemas[0]}.cdc_heartbeat`].join(',') : '',
    };
    for (const [k, v] of Object.entries(settings)) await sql.query('SELECT set_config($1, $2, false)', [k, v]);
    for (const file of readdirSync(DIR).filter((f) => f.endsWith('.sql')).sort()) {
      if (file.includes('replication_role') && !opts.role) continue;
      try {
        await sql.query(readFileSync(join(DIR, file), 'utf8'));
      } catch (err) {
        throw new SourceError({
          code: 'CDC_PG_MIGRATION', what: `migration ${file} failed: ${(err as Error).message}`,
          where: `database ${cfg.connection.database} as user ${cfg.connection.user}`,
          fix: 'run cdc migrate with a superuser (or the table owner) in database.user, or apply the file by hand',
        });
      }
      applied.push(file);
      opts.log.info({ file }, 'migration applied');
    }
  } finally {
    await sql.end().catch(() => undefined);
  }
  return applied;
}
