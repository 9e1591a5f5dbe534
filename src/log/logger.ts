/**
 * Logger contract and the pino factory. Nothing else in the project imports
 * pino, and there is no exported logger instance: the composition root builds
 * one and hands children down (STYLE.md: no module-level singletons).
 */
import { pino } from 'pino';

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  readonly level?: string;
  /** Property names whose values are redacted wherever they appear in log objects. */
  readonly secretKeys?: readonly string[];
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const secretPaths = (opts.secretKeys ?? []).flatMap((k) => [`["${k}"]`, `*["${k}"]`, `config["${k}"]`]);
  return pino(
    {
      level: opts.level ?? 'info',
      base: undefined,
      redact: { paths: ['password', '*.password', ...secretPaths], censor: '[hidden]' },
    },
    opts.destination as never,
  ) as unknown as Logger;
}

/** A logger that drops everything (tests, tools). */
export function silentLogger(): Logger {
  const l: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => l };
  return l;
}
