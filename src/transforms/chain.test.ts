import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectFrameworkConfigDef } from '../config/connect-framework-fields.ts';
import { ConfigDef } from '../config/define.ts';
import { S } from '../events/schema.ts';
import type { SourceRecord } from '../events/record.ts';
import { buildTransformChain } from './chain.ts';
import { kafkaTransformPlugins } from './kafka/index.ts';
import { withTransformFields } from './transform-config.ts';
import { TransformRegistry } from './transform-registry.ts';
import type { PredicatePlugin, TransformationPlugin } from './contracts.ts';
import type { Logger } from '../log/logger.ts';
import { recordingLogger } from '../../test/doubles/recording-logger.ts';

const registry = new TransformRegistry().register(...kafkaTransformPlugins());
const base = { name: 'c', 'connector.class': 'x' };
const K = 'org.apache.kafka.connect.transforms';

function chainOf(raw: Record<string, string>) {
  const all = { ...base, ...raw };
  const config = withTransformFields(connectFrameworkConfigDef(), all, registry).parse(all, 'connector "c"');
  return buildTransformChain(config, registry, 'connector "c"');
}
function problems(raw: Record<string, string>) {
  const all = { ...base, ...raw };
  const r = withTransformFields(connectFrameworkConfigDef(), all, registry).validate(all);
  return r.configs.filter((c) => c.value.errors.length > 0).map((c) => [c.value.name, c.value.errors.join(' | ')] as const);
}
const rec = (topic: string, value: unknown = { id: 1 }): SourceRecord => ({ topic, keySchema: S.string(), key: 'k', valueSchema: value === null ? null : S.struct('V', [S.field('id', S.int32())]), value });

test('no transform configured: no chain at all', () => {
  assert.equal(chainOf({}), null);
  assert.equal(chainOf({ transforms: '' }), null);
});

test('stages run in order; a predicate sees the record as earlier stages left it; Filter drops', () => {
  const chain = chainOf({
    transforms: 'route, drop', 'transforms.route.type': `${K}.RegexRouter`,
    'transforms.route.regex': '([^.]+)\\.([^.]+)\\.([^.]+)', 'transforms.route.replacement': 'cdc.$3',
    'transforms.drop.type': `${K}.Filter`, 'transforms.drop.predicate': 'isAudit',
    predicates: 'isAudit', 'predicates.isAudit.type': `${K}.predicates.TopicNameMatches`, 'predicates.isAudit.pattern': 'cdc\\.audit.*',
  })!;
  assert.equal(chain.apply(rec('orders-db.public.orders'))!.topic, 'cdc.orders');
  assert.equal(chain.apply(rec('orders-db.public.audit_log')), null);
  assert.equal(chain.apply(rec('heartbeat'))!.topic, 'heartbeat');
});

test('negate applies the transform where the predicate is false', () => {
  const chain = chainOf({
    transforms: 'keepTombs', 'transforms.keepTombs.type': `${K}.Filter`, 'transforms.keepTombs.predicate': 'tomb', 'transforms.keepTombs.negate': 'true',
    predicates: 'tomb', 'predicates.tomb.type': `${K}.predicates.RecordIsTombstone`,
  })!;
  assert.equal(chain.apply(rec('t')), null);
  assert.equal(chain.apply(rec('t', null))!.value, null);
});

test('transform problems are reported on their own property', () => {
  const got = new Map(problems({
    transforms: 'a,b,c,d', 'transforms.a.type': 'com.example.Nope',
    'transforms.b.type': `${K}.RegexRouter`, 'transforms.b.regex': '(', 'transforms.b.replacment': 'x',
    'transforms.c.type': `${K}.Filter`, 'transforms.c.predicate': 'missing',
    'transforms.d.type': `${K}.Filter`, 'transforms.d.negate': 'true',
  }));
  assert.match(got.get('transforms.a.type')!, /com\.example\.Nope is not an installed transformation; .*use one of: .*RegexRouter/);
  assert.match(got.get('transforms.b.regex')!, /does not compile/);
  assert.match(got.get('transforms.b.replacement')!, /required property transforms\.b\.replacement is not set/);
  assert.match(got.get('transforms.b.replacment')!, /unknown property transforms\.b\.replacment.*did you mean transforms\.b\.replacement/);
  assert.match(got.get('transforms.c.predicate')!, /list missing in predicates and set predicates\.missing\.type/);
  assert.match(got.get('transforms.d.negate')!, /Config 'transforms\.d\.negate' was provided but there is no config 'transforms\.d\.predicate'/);
});

test('properties of an alias not listed are accepted with a no-effect warning', () => {
  const all = { ...base, transforms: 'a', 'transforms.a.type': `${K}.Filter`, 'transforms.old.type': 'x.Y' };
  const config = withTransformFields(connectFrameworkConfigDef(), all, registry).parse(all, 'c');
  assert.match(config.warnings.map((w) => w.message).join('\n'), /transforms\.old\.type is accepted but has no effect: its alias is not listed in transforms/);
});

test('a failing stage names its alias and class', () => {
  const reg = new TransformRegistry().register({
    kind: 'transformation', className: 'test.Boom', aliases: [], version: '1', configDef: new ConfigDef([]), doc: '',
    create: () => ({ apply: () => { throw new Error('bad data'); } }),
  });
  const all = { ...base, transforms: 'x', 'transforms.x.type': 'test.Boom' };
  const chain = buildTransformChain(withTransformFields(connectFrameworkConfigDef(), all, reg).parse(all, 'c'), reg, 'c')!;
  assert.throws(() => chain.apply(rec('t')), (e: unknown) => (e as { stage: { alias: string } }).stage.alias === 'x' && /bad data/.test((e as Error).message));
});

test('a transform may be named by its simple class name, as Connect\'s plugin aliases allow', () => {
  const chain = chainOf({ transforms: 'r', 'transforms.r.type': 'RegexRouter', 'transforms.r.regex': 'a', 'transforms.r.replacement': 'b' })!;
  assert.equal(chain.apply(rec('a'))!.topic, 'b');
  assert.equal(registry.find('transformation', 'ReplaceField$Value')?.className, `${K}.ReplaceField$Value`);
  assert.equal(registry.find('predicate', 'RegexRouter'), undefined);
});

test('each stage is created with the connector\'s logger bound to its alias; a predicate with both aliases; validation passes none', () => {
  const seen: { kind: string; log: Logger | undefined }[] = [];
  const noisy: TransformationPlugin = {
    kind: 'transformation', className: 'com.example.Noisy', aliases: [], version: '1.0.0', doc: '', configDef: new ConfigDef([]),
    create(_config, log) {
      seen.push({ kind: 'transformation', log });
      return { apply(r) { log?.warn({ topic: r.topic }, 'noisy saw a record'); return r; } };
    },
  };
  const always: PredicatePlugin = {
    kind: 'predicate', className: 'com.example.Always', aliases: [], version: '1.0.0', doc: '', configDef: new ConfigDef([]),
    create(_config, log) { seen.push({ kind: 'predicate', log }); return { test: () => { log?.debug({}, 'tested'); return true; } }; },
  };
  const reg = new TransformRegistry().register(noisy, always);
  const raw = { ...base, transforms: 'first,second', 'transforms.first.type': 'com.example.Noisy', 'transforms.second.type': 'com.example.Noisy',
    'transforms.second.predicate': 'yes', predicates: 'yes', 'predicates.yes.type': 'com.example.Always' };
  const def = withTransformFields(connectFrameworkConfigDef(), raw, reg);
  def.validate(raw);
  assert.ok(seen.length > 0 && seen.every((s) => s.log === undefined), 'validation builds instances without a logger');
  seen.length = 0;
  const { log, lines } = recordingLogger();
  const chain = buildTransformChain(def.parse(raw, 'connector "c"'), reg, 'connector "c"', log.child({ connector: 'c' }))!;
  chain.apply(rec('orders'));
  assert.deepEqual(lines.map((l) => [l.level, l.bindings, l.msg]), [
    ['warn', { connector: 'c', transform: 'first' }, 'noisy saw a record'],
    ['debug', { connector: 'c', transform: 'second', predicate: 'yes' }, 'tested'],
    ['warn', { connector: 'c', transform: 'second' }, 'noisy saw a record'],
  ]);
});
