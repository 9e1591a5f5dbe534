/**
 * Every fix names only properties and commands that exist (issue 6): a fix that sends
 * the user to a property the daemon rejects as unknown, or to a command it does not
 * have, is a second error. The scan reads the user-facing texts that tell what to do:
 * every `fix:` of an error or config problem in shipping code, every check message (the
 * `cond || 'message'` idiom of defineField checks), and the reasons and fixes declared
 * on refused and no-effect properties. In them, each dotted lowercase token that looks
 * like a property must be declared by the worker, the connector framework or a plugin
 * (a name, a deprecated alias, an allowed prefix or a pattern family), and each
 * `cdc <word>` must be a command of src/cli.ts. Tokens that are not properties (files,
 * SQL, hosts, class names, event fields) are listed below by name, each with why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { referenceSections } from '../src/config/reference-sections.ts';
import { builtinPlugins } from '../sources/builtin-plugins.ts';
import { connectFrameworkConfigDef } from '../src/config/connect-framework-fields.ts';
import { workerConfigDef } from '../src/config/worker-config.ts';
import type { ConfigDef } from '../src/config/define.ts';
import { AVRO_CONVERTER_FIELDS } from '../src/serde/avro-converter-config.ts';
import { builtinTransformRegistry } from '../src/transforms/builtin.ts';
import { MARIADB_CONFIG_DEF, MYSQL_CONFIG_DEF } from '../sources/mysql/config-spec.ts';

const ROOT = new URL('..', import.meta.url).pathname;

/** Dotted tokens in fix texts that are not config properties. */
const NOT_PROPERTIES = new Map<string, string>([
  ['source.name', 'field of the event source block'],
  ['source.xmin', 'field of the event source block'],
  ['pg_catalog', 'PostgreSQL schema'],
  ['information_schema', 'PostgreSQL schema'],
  ['schema.table', 'placeholder for a table name'],
  ['schema.table.column', 'placeholder for a column name'],
  ['schema.table:col1', 'example of message.key.columns syntax'],
  ['schema.table2:col', 'example of message.key.columns syntax'],
  ['db.internal', 'host name in examples'],
  ['e.g', 'abbreviation'],
  ['i.e', 'abbreviation'],
  ['max.poll.interval.ms', 'Kafka consumer setting named in an explanation'],
  ['transaction.max.timeout.ms', 'Kafka broker setting'],
  ['transaction.state.log.*', 'Kafka broker settings'],
  ['transaction.state.log.min.isr', 'Kafka broker setting'],
  ['transaction.state.log.replication.factor', 'Kafka broker setting'],
  ['message.max.bytes', 'Kafka broker setting'],
  ['replica.fetch.max.bytes', 'Kafka broker setting'],
  ['max.message.bytes', 'Kafka topic setting'],
  ['cleanup.policy', 'Kafka topic setting'],
  ['parameters.scale', 'Connect schema parameter'],
  ['max_slot_wal_keep_size', 'PostgreSQL server setting'],
  ['wal_level', 'PostgreSQL server setting'],
  ['pg_hba.conf', 'PostgreSQL server file'],
  ['postgresql.conf', 'PostgreSQL server file'],
  ['my.cnf', 'MySQL/MariaDB server file'],
]);

/**
 * Properties that other work of issue 6 declares (name adjustment); until it is merged they
 * are not declared on this branch. Once they are, this list changes nothing.
 */
const DECLARED_BY_OTHER_WORK = new Set<string>([
  // Debezium's MySQL/MariaDB property, declared by the MySQL config spec (issue 10, written beside sources/mysql).
  'database.server.id',
]);

/** File names, class names, SQL and URLs: recognised by form, not listed one by one. */
function notAProperty(token: string): boolean {
  return NOT_PROPERTIES.has(token)
    || /\.(md|ts|mjs|js|json|ya?ml|properties|sql|pem|crt|key|jks|p12|conf)$/.test(token) // files
    || /^(io|org|com|net)\./.test(token) // Java class names
    || /^\d/.test(token) // addresses and versions
    || /^(pg_|pg\.)/.test(token); // PostgreSQL catalog objects and functions
}

function shippingFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) shippingFiles(p, out);
    // Test doubles still living under src/ do not ship texts users read.
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !/test-kit|fake-/.test(name)) out.push(p);
  }
  return out;
}

/**
 * The string literal starting at `at` (a quote or backtick) and where it ends. A template's
 * ${...} parts, code that may hold nested strings, become the placeholder <x>.
 */
function literalAt(src: string, at: number): { text: string; end: number } {
  const quote = src[at]!;
  let text = '';
  let i = at + 1;
  while (i < src.length && src[i] !== quote) {
    if (src[i] === '\\') { text += src[i + 1] ?? ''; i += 2; continue; }
    if (quote === '`' && src[i] === '$' && src[i + 1] === '{') {
      let depth = 1;
      i += 2;
      while (i < src.length && depth > 0) {
        const ch = src[i]!;
        if (ch === "'" || ch === '"' || ch === '`') { i = literalAt(src, i).end; continue; }
        if (ch === '{') depth++;
        else if (ch === '}') depth--;
        i++;
      }
      text += '<x>';
      continue;
    }
    if (quote !== '`' && src[i] === '\n') break;
    text += src[i];
    i++;
  }
  return { text, end: i + 1 };
}

/** String literals from `from` until a closing bracket or a comma at the starting depth. */
function literalsOfExpression(src: string, from: number): string[] {
  const out: string[] = [];
  let depth = 0;
  for (let i = from; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const lit = literalAt(src, i);
      out.push(lit.text);
      i = lit.end - 1;
    } else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) { if (depth-- === 0) break; }
    else if ((ch === ',' || ch === ';') && depth === 0) break;
  }
  return out;
}

/**
 * String literals of every `fix:` value and of every `cond || 'message'` (the check
 * idiom), found in code only: strings and comments are skipped while scanning.
 */
export function fixTexts(src: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === '/' && src[i + 1] === '/') { i = src.indexOf('\n', i); if (i === -1) break; continue; }
    if (ch === '/' && src[i + 1] === '*') { i = src.indexOf('*/', i) + 1; if (i === 0) break; continue; }
    if (ch === "'" || ch === '"' || ch === '`') { i = literalAt(src, i).end - 1; continue; }
    if (src.startsWith('fix:', i) && !/[\w.]/.test(src[i - 1] ?? '')) {
      out.push(...literalsOfExpression(src, i + 4));
    } else if (src.startsWith('||', i)) {
      const next = src.slice(i + 2).search(/\S/) + i + 2;
      if (src[next] === "'" || src[next] === '`') out.push(literalAt(src, next).text);
    }
  }
  return out;
}

/** Dotted lowercase names in a text (placeholders such as <alias> and trailing .* included). */
export function propertyTokens(text: string): string[] {
  const cleaned = text.replace(/\$\{[^}]*\}/g, '<x>');
  const tokens = cleaned.match(/(?<![\w.<>*/-])[a-z][a-zA-Z0-9_<>-]*(?:\.(?:[a-zA-Z0-9_<>-]+|\*))+/g) ?? [];
  return tokens.map((t) => t.replace(/[.,;:]+$/, '')).filter((t) => t.includes('.'));
}

export function commands(text: string): string[] {
  return [...text.matchAll(/\bcdc ([a-z][a-z-]*)/g)].map((m) => m[1]!);
}

// The MySQL/MariaDB definitions until their plugin is registered (issue 10); then they come from referenceSections too.
const defs: ConfigDef[] = [workerConfigDef(), connectFrameworkConfigDef(), ...referenceSections(builtinPlugins()).map((s) => s.def), MYSQL_CONFIG_DEF, MARIADB_CONFIG_DEF];
/** Converter settings (written under key.converter. / value.converter.), declared by the converters. */
const CONVERTER_SETTINGS = [
  ...AVRO_CONVERTER_FIELDS.map((f) => f.name),
  ...[...readFileSync(join(ROOT, 'src/serde/json-converter.ts'), 'utf8').matchAll(/bool\('([a-z.]+)'/g)].map((m) => m[1]!),
];
/** Transform and predicate settings (written under transforms.<alias>. / predicates.<alias>.), declared by each plugin. */
const TRANSFORM_SETTINGS = builtinTransformRegistry().all().flatMap((p) => p.configDef.fields().flatMap((f) => [f.name, ...(f.aliases ?? [])]));
const names = new Set([...defs.flatMap((d) => d.fields().flatMap((f) => [f.name, ...(f.aliases ?? [])])), ...CONVERTER_SETTINGS, ...TRANSFORM_SETTINGS]);
const prefixes = defs.flatMap((d) => d.allowedPrefixes());

export function isKnownProperty(token: string): boolean {
  if (names.has(token) || DECLARED_BY_OTHER_WORK.has(token)) return true;
  if (defs.some((d) => d.families().some((f) => f.label === token))) return true;
  // Kafka client settings: producer.override.x (a key of a validated prefix family), or the
  // member name x itself where a message speaks of the setting under whichever prefix applies.
  if (defs.some((d) => d.familyField(token)?.field !== undefined)) return true;
  if (defs.some((d) => d.prefixFamilies().some((f) => f.fields.some((m) => m.name === token)))) return true;
  if (token.endsWith('.*')) {
    const stem = token.slice(0, -1);
    return [...names].some((n) => n.startsWith(stem)) || prefixes.some((p) => p.startsWith(stem) || stem.startsWith(p));
  }
  const pattern = new RegExp(`^${token.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/<[^>]+>/g, '[^.]+')}$`);
  if ([...names].some((n) => pattern.test(n))) return true;
  if (prefixes.some((p) => token.startsWith(p))) return true;
  return defs.some((d) => d.family(token.replace(/<[^>]+>/g, '1')) !== undefined);
}

const CLI = readFileSync(join(ROOT, 'src/cli.ts'), 'utf8');
const COMMANDS = new Set([...CLI.matchAll(/case '([a-z-]+)':/g)].map((m) => m[1]!));

test('the scan finds property names and commands in fix texts', () => {
  assert.deepEqual(
    fixTexts("throw x({ fix: `set ${a.map((x) => `${x}.y`).join(', ')} or slot.name`,\n  where: 'w' }); ok || 'use max.batch.size'; f({ fix: c ? 'a' : \"b\" })"),
    ['set <x> or slot.name', 'use max.batch.size', 'a', 'b'],
  );
  assert.deepEqual(propertyTokens('set transforms.<alias>.type, the ssl.* settings, and see docs/x.md or e.g.'), ['transforms.<alias>.type', 'ssl.*', 'e.g']);
  assert.deepEqual(commands('run cdc validate, then cdc migrate --role x'), ['validate', 'migrate']);
  assert.ok(isKnownProperty('slot.name') && isKnownProperty('transforms.<alias>.type') && isKnownProperty('column.mask.with.<n>.chars'));
  assert.ok(!isKnownProperty('field.name.adjustment.modes'));
});

test('every fix and check message names only properties and commands that exist', () => {
  const bad: string[] = [];
  const texts: { where: string; text: string }[] = [];
  for (const file of [...shippingFiles(join(ROOT, 'src')), ...shippingFiles(join(ROOT, 'sources'))]) {
    for (const text of fixTexts(readFileSync(file, 'utf8'))) texts.push({ where: relative(ROOT, file), text });
  }
  for (const def of defs) {
    for (const f of def.fields()) {
      if (f.unsupported) texts.push({ where: f.name, text: `${f.unsupported.why} ${f.unsupported.fix}` });
      if (f.noEffect) texts.push({ where: f.name, text: f.noEffect.why });
    }
    for (const fam of def.families()) texts.push({ where: fam.label, text: `${fam.unsupported?.why ?? ''} ${fam.unsupported?.fix ?? ''} ${fam.noEffect ?? ''}` });
  }
  assert.ok(texts.length > 100, `the scan found only ${texts.length} texts`);
  for (const { where, text } of texts) {
    for (const token of propertyTokens(text)) {
      if (!notAProperty(token) && !isKnownProperty(token)) bad.push(`${where}: "${token}" in: ${text}`);
    }
    for (const c of commands(text)) if (!COMMANDS.has(c)) bad.push(`${where}: command "cdc ${c}" in: ${text}`);
  }
  assert.deepEqual(bad, []);
});
