/**
 * Run-time log levels by logger name, as Kafka Connect's /admin/loggers
 * exposes them. Names are dotted namespaces ("root", "cdc", "cdc.connector.inventory",
 * "kafkajs"); a logger's effective level is that of its longest configured prefix.
 */
import { pino } from 'pino';
import type { Logger } from './logger.ts';

export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];
const RANK: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

export class LogLevels {
  private readonly levels = new Map<string, { level: Level; lastModified: number | null }>();

  constructor(rootLevel: Level) {
    this.levels.set('root', { level: rootLevel, lastModified: null });
  }

  effective(name: string): Level {
    let best: Level = this.levels.get('root')!.level;
    let bestLen = -1;
    for (const [k, v] of this.levels) {
      if (k === 'root') continue;
      if ((name === k || name.startsWith(`${k}.`)) && k.length > bestLen) { best = v.level; bestLen = k.length; }
    }
    return best;
  }

  /** Loggers with an explicit level, in Connect's JSON shape (level upper-case). */
  list(): Record<string, { level: string; last_modified: number | null }> {
    const out: Record<string, { level: string; last_modified: number | null }> = {};
    for (const [k, v] of [...this.levels].sort(([a], [b]) => a.localeCompare(b))) out[k] = { level: v.level.toUpperCase(), last_modified: v.lastModified };
    return out;
  }

  /** Returns the affected names (the logger itself and configured descendants), as Connect does. */
  set(name: string, level: string): string[] {
    const l = level.toLowerCase();
    if (!(l in RANK)) throw new Error(`invalid log level ${level}`);
    const affected = [...this.levels.keys()].filter((k) => k !== name && name !== 'root' && k.startsWith(`${name}.`));
    this.levels.set(name, { level: l as Level, lastModified: Date.now() });
    for (const k of affected) this.levels.set(k, { level: l as Level, lastModified: Date.now() });
    return [name, ...affected].sort();
  }

  enabled(name: string, level: Level): boolean {
    return RANK[level]! >= RANK[this.effective(name)]!;
  }
}

/**
 * A Logger whose every call checks the run-time level of its name. Each key
 * appears once per line: a key already bound by a parent (child({ connector }))
 * is dropped from a call's object and from a deeper child's bindings, because
 * pino would print both copies.
 */
export function levelledLogger(levels: LogLevels, destination?: NodeJS.WritableStream, redactPaths: string[] = []): Logger {
  const root = pino({ level: 'trace', base: undefined, redact: { paths: ['password', '*.password', ...redactPaths], censor: '[hidden]' } }, destination as never);
  const wrap = (p: pino.Logger, name: string, bound: ReadonlySet<string>): Logger => {
    const own = (o: object): object => {
      if (bound.size === 0) return o;
      let out: Record<string, unknown> | null = null;
      for (const k of Object.keys(o)) {
        if (!bound.has(k)) continue;
        out ??= { ...(o as Record<string, unknown>) };
        delete out[k];
      }
      return out ?? o;
    };
    return {
      debug: (o, m) => { if (levels.enabled(name, 'debug')) p.debug(own(o), m); },
      info: (o, m) => { if (levels.enabled(name, 'info')) p.info(own(o), m); },
      warn: (o, m) => { if (levels.enabled(name, 'warn')) p.warn(own(o), m); },
      error: (o, m) => { if (levels.enabled(name, 'error')) p.error(own(o), m); },
      child: (b) => {
        const fresh = own(b) as Record<string, unknown>;
        const ns = typeof fresh.connector === 'string' ? `cdc.connector.${fresh.connector}` : typeof fresh.component === 'string' ? String(fresh.component) : name;
        return wrap(p.child(fresh), ns, new Set([...bound, ...Object.keys(fresh)]));
      },
    };
  };
  return wrap(root, 'cdc', new Set());
}
