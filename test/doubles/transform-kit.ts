/** Shared by the transform unit tests: a plugin configured from raw properties, and a Debezium-like record. */
import type { SourceRecord } from '../../src/events/record.ts';
import { S, type ConnectSchema } from '../../src/events/schema.ts';
import type { TransformPlugin, Transformation, Predicate } from '../../src/transforms/contracts.ts';
import { kafkaTransformPlugins } from '../../src/transforms/kafka/index.ts';

const all = kafkaTransformPlugins();

export function plugin(name: string): TransformPlugin {
  const p = all.find((x) => x.className.endsWith(`.${name}`));
  if (!p) throw new Error(`no plugin ${name}`);
  return p;
}

export function transform(name: string, raw: Record<string, string> = {}): Transformation {
  const p = plugin(name);
  if (p.kind !== 'transformation') throw new Error(`${name} is a predicate`);
  return p.create(p.configDef.parse(raw, name));
}

export function predicate(name: string, raw: Record<string, string> = {}): Predicate {
  const p = plugin(name);
  if (p.kind !== 'predicate') throw new Error(`${name} is a transformation`);
  return p.create(p.configDef.parse(raw, name));
}

export const rowSchema: ConnectSchema = {
  ...S.struct('shop.public.users.Value', [
    S.field('id', S.int32()), S.field('pw', S.optional(S.string())), S.field('nm', S.optional(S.string())),
  ]),
  optional: true,
};
export const keySchema: ConnectSchema = S.struct('shop.public.users.Key', [S.field('id', S.int32())]);

export function row(value: Record<string, unknown> | null, extra: Partial<SourceRecord> = {}): SourceRecord {
  return { topic: 'shop.public.users', keySchema, key: { id: 1 }, valueSchema: rowSchema, value, ...extra };
}

export const tombstone: SourceRecord = { topic: 'shop.public.users', keySchema, key: { id: 1 }, valueSchema: null, value: null };
