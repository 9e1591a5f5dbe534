/**
 * The one error shape of the project: what went wrong, where, how to fix it.
 * Every code is listed in docs/errors.md; a test keeps that list honest.
 * Messages never contain secrets: callers pass redacted values only.
 */

export interface CdcErrorInit {
  readonly code: string;
  readonly what: string;
  readonly where?: string;
  readonly fix?: string;
  readonly retriable?: boolean;
  readonly cause?: unknown;
}

export class CdcError extends Error {
  readonly code: string;
  readonly what: string;
  readonly where: string | undefined;
  readonly fix: string | undefined;
  readonly retriable: boolean;

  constructor(init: CdcErrorInit) {
    super(CdcError.format(init), init.cause !== undefined ? { cause: init.cause } : undefined);
    this.name = new.target.name;
    this.code = init.code;
    this.what = init.what;
    this.where = init.where;
    this.fix = init.fix;
    this.retriable = init.retriable ?? false;
  }

  static format(init: Pick<CdcErrorInit, 'code' | 'what' | 'where' | 'fix'>): string {
    let s = `${init.code}: ${init.what}`;
    if (init.where) s += `\n  at ${init.where}`;
    if (init.fix) s += `\n  fix: ${init.fix}`;
    return s;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, what: this.what, where: this.where, fix: this.fix, retriable: this.retriable };
  }
}

/** Configuration is wrong: fixing the config file is the way out. */
export class ConfigError extends CdcError {}
/** The source database refuses or lacks something (privilege, wal_level, table). */
export class SourceError extends CdcError {}
/** Kafka or the Schema Registry refused or failed. */
export class SinkError extends CdcError {}
/**
 * A table of the initial snapshot has no key to read it in chunks by (no primary
 * key, no usable message.key.columns, or nullable key columns). Never skipped:
 * the initial snapshot promises every row (src/snapshot/key-rule.ts).
 */
export class SnapshotKeyError extends ConfigError {}
/** A schema change the registry's compatibility rules reject. */
export class SchemaCompatibilityError extends CdcError {}

/** Several problems found at once (validation lists every one, never only the first). */
export class CdcErrorList extends Error {
  constructor(readonly errors: readonly CdcError[]) {
    super(errors.map((e) => e.message).join('\n\n'));
    this.name = 'CdcErrorList';
  }
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
