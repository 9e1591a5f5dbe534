/**
 * Turns config file text into plain values: YAML, JSON (parsed by the same YAML 1.2
 * parser, of which JSON is a subset, so both report syntax errors with line and
 * column) or Java .properties.
 * YAML numbers are returned as their source text: `version: 1.10` must not become
 * 1.1, nor a long id lose digits; the ConfigDef coerces text to the declared type.
 */
import { extname } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { CdcErrorList, ConfigError } from '../errors/cdc-error.ts';
import { parseProperties } from './properties-format.ts';

export type ConfigFormat = 'yaml' | 'json' | 'properties';

export interface ConfigTree {
  readonly format: ConfigFormat;
  readonly root: unknown;
  /** 1-based line where a mapping or sequence of `root` starts, when known. */
  lineOf(node: object): number | undefined;
}

/** By extension; otherwise JSON if it starts with `{`, YAML if it is a mapping, else .properties. */
export function detectFormat(path: string, text: string): ConfigFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.json') return 'json';
  if (ext === '.properties') return 'properties';
  if (text.trimStart().startsWith('{')) return 'json';
  return isMap(parseDocument(text).contents) ? 'yaml' : 'properties';
}

export function parseConfigText(text: string, file: string, format: ConfigFormat = detectFormat(file, text)): ConfigTree {
  if (format === 'properties') {
    const { values } = parseProperties(text, file);
    return { format, root: values, lineOf: (node) => (node === values ? 1 : undefined) };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new CdcErrorList(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return new ConfigError({
          code: 'CDC_CONFIG_SYNTAX',
          what: `${format === 'json' ? 'JSON' : 'YAML'} syntax error: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
          where: pos ? `${file}, line ${pos.line}, column ${pos.col}` : file,
          fix: format === 'json'
            ? 'check the quotes, commas and brackets around that position'
            : 'check the indentation, quoting and colons around that position (values containing ": " or "#" need quotes)',
        });
      }),
    );
  }
  const lines = new WeakMap<object, number>();
  const root = toPlain(doc.contents, doc, lineCounter, lines, file);
  return { format, root, lineOf: (node) => lines.get(node) };
}

function toPlain(node: unknown, doc: Document, lc: LineCounter, lines: WeakMap<object, number>, file: string): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return toPlain(node.resolve(doc), doc, lc, lines, file);
  if (isScalar(node)) {
    if (typeof node.value === 'number' || typeof node.value === 'bigint') return node.source ?? String(node.value);
    return node.value;
  }
  const line = (n: Node): number | undefined => (n.range ? lc.linePos(n.range[0]).line : undefined);
  if (isSeq(node)) {
    const out = node.items.map((item) => toPlain(item, doc, lc, lines, file));
    const at = line(node);
    if (at !== undefined) lines.set(out, at);
    return out;
  }
  if (isMap(node)) {
    const entries = node.items.map((pair) => {
      const key = toPlain(pair.key, doc, lc, lines, file);
      if (key === null || typeof key === 'object') {
        const at = isScalar(pair.key) || isMap(pair.key) || isSeq(pair.key) ? line(pair.key as Node) : undefined;
        throw new ConfigError({
          code: 'CDC_CONFIG_SYNTAX',
          what: 'a mapping key must be a plain name',
          where: at ? `${file}, line ${at}` : file,
          fix: 'write property names as plain text, e.g. database.hostname: db',
        });
      }
      return [String(key), toPlain(pair.value, doc, lc, lines, file)] as const;
    });
    // fromEntries defines own properties, so a key named __proto__ stays an ordinary key.
    const out = Object.fromEntries(entries);
    const at = line(node);
    if (at !== undefined) lines.set(out, at);
    return out;
  }
  return null;
}
