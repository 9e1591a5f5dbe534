/**
 * Why a registry may refuse a schema our converter built: Java Avro 1.12's schema
 * parser checks every part of a full name, namespaces included, and registries
 * parse what they receive with it (Confluent Schema Registry 8.0.3 / 8.1.1 and later
 * with its default schema.validate.names=true, strictly: ASCII only; Apicurio
 * Registry 3, which then cannot tell the content is Avro). Confluent's AvroData,
 * like our converter, never checks namespaces, so a topic.prefix with "-" under
 * schema.name.adjustment.mode=none gives a schema that such a registry refuses
 * (HTTP 422), for Debezium too. This finds the name, for the error's fix.
 */
const STRICT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The first record/enum/fixed name, namespace part or field name outside [A-Za-z_][A-Za-z0-9_]*. */
export function strictNameProblem(schema: unknown): string | undefined {
  if (Array.isArray(schema)) {
    for (const b of schema) {
      const p = strictNameProblem(b);
      if (p) return p;
    }
    return undefined;
  }
  if (schema === null || typeof schema !== 'object') return undefined;
  const o = schema as Record<string, unknown>;
  if (typeof o['name'] === 'string' && ['record', 'error', 'enum', 'fixed'].includes(o['type'] as string)) {
    const full = typeof o['namespace'] === 'string' && !o['name'].includes('.') ? `${o['namespace']}.${o['name']}` : o['name'];
    const bad = full.split('.').filter((p) => p !== '').find((p) => !STRICT_NAME.test(p));
    if (bad !== undefined) return `"${bad}" in the record name ${full}`;
  }
  for (const f of Array.isArray(o['fields']) ? o['fields'] as Record<string, unknown>[] : []) {
    if (typeof f['name'] === 'string' && !STRICT_NAME.test(f['name'])) return `the field name "${f['name']}"`;
    const p = strictNameProblem(f['type']);
    if (p) return p;
  }
  for (const k of ['items', 'values', 'type'] as const) {
    if (k === 'type' && typeof o[k] === 'string') continue;
    const p = strictNameProblem(o[k]);
    if (p) return p;
  }
  return undefined;
}

export const STRICT_NAME_FIX = 'set schema.name.adjustment.mode=avro (record names, e.g. from a topic.prefix with "-") '
  + 'and field.name.adjustment.mode=avro (column names) on the connector; Java Avro 1.12 registries refuse other names, '
  + 'unless their own name validation is turned off';
