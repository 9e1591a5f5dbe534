/**
 * A canonical text for a Connect schema's shape: two schemas get the same key
 * exactly when Connect's ConnectSchema#equals would call them equal, whatever
 * the key order of the objects that describe them. Used to find a conversion
 * already done for an equal schema that is a different object.
 */
import type { ConnectSchema } from '../events/schema.ts';

export function connectSchemaKey(s: ConnectSchema): string {
  return JSON.stringify(shape(s));
}

function shape(s: ConnectSchema): unknown[] {
  return [s.type, s.optional, s.name ?? null, s.version ?? null, s.doc ?? null,
    s.parameters ? Object.entries(s.parameters) : null, valueKey(s.defaultValue),
    s.fields?.map((f) => [f.name, shape(f.schema)]) ?? null,
    s.items ? shape(s.items) : null, s.keys ? shape(s.keys) : null, s.values ? shape(s.values) : null];
}

function valueKey(v: unknown): string {
  return JSON.stringify(v ?? null, (_k, x: unknown) => {
    if (typeof x === 'bigint') return `${x}n`;
    if (x instanceof Map) return { map: [...x.entries()] };
    // Buffers arrive here already turned into {type:'Buffer', data:[...]} by their toJSON.
    return x;
  });
}
