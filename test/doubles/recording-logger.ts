/** A Logger that keeps every line (level, merged child bindings, object, message) for assertions. */
import type { Logger } from '../../src/log/logger.ts';

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly bindings: Readonly<Record<string, unknown>>;
  readonly obj: Readonly<Record<string, unknown>>;
  readonly msg: string | undefined;
}

export function recordingLogger(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at = (level: LogLine['level']) => (obj: object, msg?: string) => { lines.push({ level, bindings, obj: obj as Record<string, unknown>, msg }); };
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (b) => make({ ...bindings, ...b }) };
  };
  return { log: make({}), lines };
}
