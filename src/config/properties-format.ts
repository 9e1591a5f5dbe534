/**
 * Java .properties files, as Kafka Connect standalone reads connector and worker
 * configs and as ${file:path:key} reads secrets: `key=value`, `key: value` or
 * `key value`; # and ! comments; backslash line continuation; \t \n \r \f \uXXXX
 * escapes. Duplicate keys: the last one wins, as in java.util.Properties.
 */
import { ConfigError } from '../errors/cdc-error.ts';

export interface PropertiesFile {
  readonly values: Record<string, string>;
  /** 1-based line where each key was (last) defined, for error messages. */
  readonly lines: Record<string, number>;
}

export function parseProperties(text: string, file: string): PropertiesFile {
  const values: Record<string, string> = {};
  const lines: Record<string, number> = {};
  const natural = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (let i = 0; i < natural.length; i++) {
    const startLine = i + 1;
    let logical = natural[i].replace(/^[ \t\f]+/, '');
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
    while (endsWithContinuation(logical) && i + 1 < natural.length) {
      logical = logical.slice(0, -1) + natural[++i].replace(/^[ \t\f]+/, '');
    }
    if (endsWithContinuation(logical)) logical = logical.slice(0, -1);
    const { key, value } = splitKeyValue(logical);
    values[unescape(key, file, startLine)] = unescape(value, file, startLine);
    lines[unescape(key, file, startLine)] = startLine;
  }
  return { values, lines };
}

function endsWithContinuation(line: string): boolean {
  const trailing = /\\*$/.exec(line)![0].length;
  return trailing % 2 === 1;
}

function splitKeyValue(line: string): { key: string; value: string } {
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === '\\') i += 2;
    else if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
    else i++;
  }
  const key = line.slice(0, i);
  let rest = line.slice(i).replace(/^[ \t\f]+/, '');
  if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]+/, '');
  return { key, value: rest };
}

const SIMPLE_ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(s: string, file: string, line: number): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') {
      out += s[i];
      continue;
    }
    const next = s[++i];
    if (next === undefined) break;
    if (next === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new ConfigError({
          code: 'CDC_CONFIG_SYNTAX',
          what: `malformed \\u escape "\\u${hex}" in a properties file`,
          where: `${file}, line ${line}`,
          fix: 'write \\u followed by exactly four hex digits, or \\\\ for a literal backslash',
        });
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += SIMPLE_ESCAPES[next] ?? next;
    }
  }
  return out;
}
