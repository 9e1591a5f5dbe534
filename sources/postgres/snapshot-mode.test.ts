/** snapshot.mode=configuration_based on the PostgreSQL connector: each flag combination resolves to the named mode that behaves the same, or is refused with the fix. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CdcErrorList } from '../../src/errors/cdc-error.ts';
import { createPostgresPlugin } from './connector.ts';
import { readPgTaskConfig } from './task-config.ts';

const base = {
  name: 'c', 'connector.class': 'PostgresConnector', 'database.hostname': 'h', 'database.user': 'u', 'database.dbname': 'd', 'topic.prefix': 'p',
};
const P = 'snapshot.mode.configuration.based.';
const parse = (extra: Record<string, string>) => createPostgresPlugin().configDef.parse({ ...base, ...extra }, 'test');
const problems = (extra: Record<string, string>): string => {
  try { parse(extra); return ''; } catch (e) { assert.ok(e instanceof CdcErrorList); return e.message; }
};
const mode = (flags: Record<string, string>) => readPgTaskConfig(parse({ 'snapshot.mode': 'configuration_based', ...flags })).snapshotMode;

test('configuration_based: the flags behave as initial, initial_only, no_data or when_needed', () => {
  assert.equal(mode({ [`${P}snapshot.data`]: 'true', [`${P}start.stream`]: 'true' }), 'initial');
  assert.equal(mode({ [`${P}snapshot.data`]: 'true' }), 'initial_only');
  assert.equal(mode({ [`${P}start.stream`]: 'true' }), 'no_data');
  assert.equal(mode({ [`${P}snapshot.data`]: 'true', [`${P}start.stream`]: 'true', [`${P}snapshot.on.data.error`]: 'true' }), 'when_needed');
  assert.equal(readPgTaskConfig(parse({ 'snapshot.mode': 'when_needed' })).snapshotMode, 'when_needed', 'named modes unchanged');
});

test('configuration_based: combinations with no named equivalent are refused on snapshot.mode with the fix', () => {
  assert.match(problems({ 'snapshot.mode': 'configuration_based' }), /property snapshot\.mode[\s\S]*would neither snapshot nor stream; set one of them to true/);
  assert.match(problems({ 'snapshot.mode': 'configuration_based', [`${P}start.stream`]: 'true', [`${P}snapshot.on.data.error`]: 'true' }),
    /snapshot\.on\.data\.error=true but snapshot\.mode\.configuration\.based\.snapshot\.data=false[\s\S]*set snapshot\.mode\.configuration\.based\.snapshot\.data=true as well/);
});

test('configuration_based flags with another snapshot.mode are refused, not ignored; schema flags are accepted with a no-effect warning', () => {
  assert.match(problems({ 'snapshot.mode': 'initial', [`${P}start.stream`]: 'false' }), /start\.stream only applies with snapshot\.mode=configuration_based \(snapshot\.mode is initial\); remove it, or set snapshot\.mode=configuration_based/);
  const c = parse({ 'snapshot.mode': 'configuration_based', [`${P}snapshot.data`]: 'true', [`${P}start.stream`]: 'true', [`${P}snapshot.schema`]: 'true' });
  assert.ok(c.warnings.some((w) => w.property === `${P}snapshot.schema` && /no schema history/.test(w.message)), JSON.stringify(c.warnings));
});
