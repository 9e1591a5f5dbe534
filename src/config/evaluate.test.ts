import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigDef, defineField } from './define.ts';

// A field of each lifecycle: implemented, no effect (always / for some values), refused
// (always / for some values), with deprecated names and values.
const fields = [
  defineField({ name: 'mode', type: 'string', default: 'initial', enum: ['initial', 'no_data'], valueAliases: { never: 'no_data' }, group: 'g', doc: 'Mode.' }),
  defineField({ name: 'prefix', type: 'string', required: false, aliases: ['server.name'], group: 'g', doc: 'Prefix.' }),
  defineField({ name: 'threads', type: 'int', default: 1, group: 'g', doc: 'Threads.', noEffect: { why: 'one thread reads' } }),
  defineField({ name: 'tasks', type: 'int', default: 1, group: 'g', doc: 'Tasks.', noEffect: { why: 'one task runs', when: (v) => v > 1 } }),
  defineField({ name: 'masks', type: 'list', required: false, group: 'g', doc: 'Masks.', unsupported: { why: 'values are never masked', fix: 'remove masks' } }),
  defineField({ name: 'locking', type: 'string', default: 'none', enum: ['none', 'shared'], group: 'g', doc: 'Locks.',
    unsupported: { why: 'only none is accepted', fix: 'remove locking', when: (v) => v !== 'none' } }),
];
const def = new ConfigDef(fields, {
  families: [
    { pattern: /^column\.mask\.with\.\d+\.chars$/, label: 'column.mask.with.<n>.chars', unsupported: { why: 'never masked', fix: 'remove it' } },
    { pattern: /^database\.history\./, label: 'database.history.*', noEffect: 'no schema history here' },
  ],
});

const evaluate = (raw: Record<string, unknown>) => {
  const v = def.validate(raw);
  const problems = v.configs.flatMap((c) => c.value.errors.map((e) => ({ name: c.definition.name, e })));
  let warnings: readonly { property: string; kind: string; message: string; replacement?: string }[] = [];
  if (problems.length === 0) warnings = def.parse(raw, 'x').warnings;
  return { problems, warnings };
};

test('a no-effect property warns once when set, and not when left out', () => {
  assert.deepEqual(evaluate({}).warnings, []);
  const { problems, warnings } = evaluate({ threads: 4 });
  assert.deepEqual(problems, []);
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]!.kind, 'no-effect');
  assert.match(warnings[0]!.message, /threads is accepted but has no effect: one thread reads/);
});

test('noEffect with `when` warns only for the values it names', () => {
  assert.deepEqual(evaluate({ tasks: 1 }).warnings, []);
  const w = evaluate({ tasks: 3 }).warnings;
  assert.equal(w.length, 1);
  assert.match(w[0]!.message, /tasks is accepted but has no effect: one task runs/);
});

test('an unsupported property is refused with its reason and fix, whatever its value', () => {
  const { problems } = evaluate({ masks: 'a' });
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.e, /masks is not supported by this daemon: values are never masked; fix: remove masks/);
  assert.throws(() => def.parse({ masks: '' }, 'connector "c"'), (err: Error & { errors?: { code: string; where?: string }[] }) => {
    assert.equal(err.errors![0]!.code, 'CDC_CONFIG_UNSUPPORTED');
    assert.equal(err.errors![0]!.where, 'connector "c", property masks');
    return true;
  });
});

test('unsupported with `when` accepts the value matching the behaviour and refuses the others', () => {
  assert.deepEqual(evaluate({ locking: 'NONE' }), { problems: [], warnings: [] });
  const { problems } = evaluate({ locking: 'shared' });
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.e, /locking = "shared" is not supported by this daemon: only none is accepted/);
});

test('a deprecated value is read as its new spelling with one warning naming it', () => {
  const c = def.parse({ mode: 'Never' }, 'x');
  assert.equal(c.getString('mode'), 'no_data');
  assert.equal(c.warnings.length, 1);
  assert.equal(c.warnings[0]!.kind, 'deprecated');
  assert.equal(c.warnings[0]!.replacement, 'no_data');
  assert.match(c.warnings[0]!.message, /write mode: no_data/);
});

test('a deprecated name is read as the new one; both with different values is an error, with equal values fine', () => {
  const c = def.parse({ 'server.name': 'shop' }, 'x');
  assert.equal(c.getString('prefix'), 'shop');
  assert.equal(c.isSet('prefix'), true);
  assert.deepEqual(c.warnings.map((w) => [w.property, w.replacement, w.kind]), [['server.name', 'prefix', 'deprecated']]);
  const both = evaluate({ 'server.name': 'shop', prefix: 'store' }).problems;
  assert.equal(both.length, 1);
  assert.match(both[0]!.e, /both prefix and its deprecated alias server\.name are set, to different values; fix: remove server\.name/);
  assert.deepEqual(evaluate({ 'server.name': 'shop', prefix: 'shop' }).problems, []);
});

test('pattern families: refused or accepted with a warning, never reported as unknown', () => {
  const refused = evaluate({ 'column.mask.with.12.chars': 'public.t.c' });
  assert.equal(refused.problems.length, 1);
  assert.match(refused.problems[0]!.e, /column\.mask\.with\.12\.chars \(column\.mask\.with\.<n>\.chars\) is not supported by this daemon: never masked/);
  assert.throws(() => def.parse({ 'column.mask.with.12.chars': 'x' }, 'x'), (err: Error & { errors?: { code: string }[] }) => err.errors![0]!.code === 'CDC_CONFIG_UNSUPPORTED');
  const noEffect = evaluate({ 'database.history.kafka.topic': 'h' });
  assert.deepEqual(noEffect.problems, []);
  assert.deepEqual(noEffect.warnings.map((w) => w.kind), ['no-effect']);
  assert.match(noEffect.warnings[0]!.message, /database\.history\.kafka\.topic is accepted but has no effect: no schema history here/);
  const unknown = evaluate({ 'column.mask.with.x.chars': 'a' }).problems;
  assert.match(unknown[0]!.e, /unknown property column\.mask\.with\.x\.chars/);
});

test('merge keeps the families of both definitions', () => {
  const merged = new ConfigDef([]).merge(def);
  assert.equal(merged.families().length, 2);
  assert.equal(merged.family('database.history.x')?.label, 'database.history.*');
});

test('every warning of one config is collected: deprecated names, values and no-effect properties', () => {
  const c = def.parse({ 'server.name': 's', mode: 'never', threads: 2, tasks: 2, 'database.history.x': 'y' }, 'x');
  assert.deepEqual(c.warnings.map((w) => `${w.kind}:${w.property}`).sort(), [
    'deprecated:mode', 'deprecated:server.name', 'no-effect:database.history.x', 'no-effect:tasks', 'no-effect:threads',
  ]);
});
