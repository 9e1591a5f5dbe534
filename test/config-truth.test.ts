/**
 * Nothing accepted and ignored (DESIGN.md, invariant 8): every property declared by the
 * worker, the connector framework and every plugin is either read by shipping code, or
 * declared "accepted, no effect" or refused in its definition. The check is static: the
 * definitions themselves (defineField calls, whose checks only validate) are cut out of
 * the source, and what remains must read the property through the config API
 * (get(F.x), getString('name'), value('name'), isSet('name'), ['name'], ...).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { referenceSections } from '../src/config/reference-sections.ts';
import { builtinPlugins } from '../sources/builtin-plugins.ts';
import type { FieldDef } from '../src/config/define.ts';
import { workerConfigDef } from '../src/config/worker-config.ts';
import { connectFrameworkConfigDef } from '../src/config/connect-framework-fields.ts';
import {
  EXACTLY_ONCE_CONSUMER_PROPERTIES, EXACTLY_ONCE_PRODUCER_PROPERTIES, IMPLEMENTED_PRODUCER_PROPERTIES,
} from '../src/config/kafka-client-fields.ts';
import { isKafkaSecurityProperty } from '../src/config/kafka-security-fields.ts';

const ROOT = new URL('..', import.meta.url).pathname;

function shippingFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) shippingFiles(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** Source text with every defineField({...}) call removed (balanced parentheses). */
function withoutDefinitions(text: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const at = text.indexOf('defineField(', i);
    if (at === -1) return out + text.slice(i);
    out += text.slice(i, at);
    let depth = 0;
    let j = at + 'defineField'.length;
    for (; j < text.length; j++) {
      const ch = text[j];
      if (ch === '(') depth++;
      else if (ch === ')' && --depth === 0) break;
    }
    i = j + 1;
  }
}

/** Which identifier a field is declared under: `export const x = defineField` or `  x: defineField` (F.x). */
function declaredIdentifiers(text: string): Map<string, string> {
  const ids = new Map<string, string>();
  const re = /(?:export const (\w+)\s*=|^\s*(\w+):)\s*defineField\(\{\s*name:\s*'([^']+)'/gm;
  for (const m of text.matchAll(re)) ids.set(m[3]!, m[1] ?? `F.${m[2]}`);
  return ids;
}

const files = [...shippingFiles(join(ROOT, 'src')), ...shippingFiles(join(ROOT, 'sources'))];
const texts = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
const code = [...texts.values()].map(withoutDefinitions).join('\n');
const identifiers = new Map<string, string[]>();
for (const text of texts.values()) {
  for (const [name, id] of declaredIdentifiers(text)) identifiers.set(name, [...(identifiers.get(name) ?? []), id]);
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const READERS = 'get|getString|getInt|getLong|getDouble|getBoolean|getList|getPassword|value|isSet';

function isRead(f: FieldDef): boolean {
  const quoted = `['"\`]${esc(f.name)}['"\`]`;
  // Any call taking the name as its first argument (get helpers such as rf('x') too), or an index read.
  const byName = new RegExp(`\\(\\s*${quoted}|\\[\\s*${quoted}\\s*\\]`);
  if (byName.test(code)) return true;
  return (identifiers.get(f.name) ?? []).some((id) => {
    const bare = id.startsWith('F.') ? id.slice(2) : id;
    return new RegExp(`\\.(?:${READERS})\\(\\s*(?:${esc(id)}|\\w+\\.${esc(bare)})\\b`).test(code);
  });
}

/**
 * Read through a computed name the scan cannot see: `${role}.converter` in
 * src/serde/create-converter.ts and applyWorkerDefaults in src/config/worker-config.ts.
 */
const READ_BY_COMPUTED_NAME = new Set(['key.converter', 'value.converter']);

/**
 * Known debt, being worked off (issue 6): accepted today and read by nothing. The test
 * fails when a property not listed here is ignored, and when a listed one is no longer
 * ignored (so the list only shrinks).
 */
const KNOWN_IGNORED: Record<string, readonly string[]> = {
};

for (const section of referenceSections(builtinPlugins())) {
  test(`every ${section.title} property is read by code, refused, or declared "accepted, no effect"`, () => {
    const ignored = section.def.fields()
      .filter((f) => !f.unsupported && !(f.noEffect && !f.noEffect.when) && !READ_BY_COMPUTED_NAME.has(f.name))
      .filter((f) => !isRead(f))
      .map((f) => f.name);
    const known = KNOWN_IGNORED[section.title] ?? [];
    assert.deepEqual(ignored.filter((n) => !known.includes(n)), [], 'accepted but read by no code: implement it, refuse it (unsupported) or declare noEffect');
    assert.deepEqual(known.filter((n) => !ignored.includes(n)), [], 'no longer ignored: remove it from KNOWN_IGNORED');
  });
}

test('the usage scan finds reads and ignores definitions', () => {
  assert.ok(withoutDefinitions("a defineField({ name: 'x', check: (v) => all.value('y') }) b").trim() === 'a  b');
  assert.equal(declaredIdentifiers("  slotName: defineField({ name: 'slot.name',").get('slot.name'), 'F.slotName');
});

/**
 * Client prefix families (producer.*, producer.override.*, consumer.*, ...) are not declared
 * fields, so the walk above does not see them: each member must be implemented (read in
 * src/kafka/producer-settings.ts), held to the exactly-once value by its check, refused, or
 * no-effect; security members and bootstrap.servers must carry a check (equal to the top
 * level) or be refused.
 */
test('every Kafka client prefix family member is implemented, held for exactly-once, refused or no-effect', () => {
  const settings = readFileSync(join(ROOT, 'src/kafka/producer-settings.ts'), 'utf8');
  for (const name of IMPLEMENTED_PRODUCER_PROPERTIES) assert.match(settings, new RegExp(`pick\\('${esc(name)}'\\)`), `${name} is read`);
  const fixed = new Set<string>([...EXACTLY_ONCE_PRODUCER_PROPERTIES, ...EXACTLY_ONCE_CONSUMER_PROPERTIES]);
  const bad: string[] = [];
  for (const def of [workerConfigDef(), connectFrameworkConfigDef()]) {
    for (const family of def.prefixFamilies()) {
      for (const f of family.fields) {
        const implemented = family.prefix.startsWith('producer.') && (IMPLEMENTED_PRODUCER_PROPERTIES as readonly string[]).includes(f.name);
        const held = fixed.has(f.name) && f.check !== undefined;
        const shared = (isKafkaSecurityProperty(f.name) || f.name === 'bootstrap.servers') && f.check !== undefined;
        const declared = f.unsupported !== undefined || (f.noEffect !== undefined && !f.noEffect.when);
        if (!(implemented || held || shared || declared)) bad.push(`${family.prefix}${f.name}`);
      }
      assert.ok(family.fields.length > 0, family.prefix);
    }
  }
  assert.deepEqual(bad, []);
});
