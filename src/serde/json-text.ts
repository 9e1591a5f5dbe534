/**
 * A JSON tree that keeps what JSON.stringify loses: exact number text (int64
 * beyond 2^53, Java's "1.0") and key order even for integer-like keys (JS
 * objects move "10" before "a"). Schema text built from it is compared and
 * hashed by the Schema Registry, so both matter.
 */

/** A number written exactly as given (already valid JSON number text). */
export class JsonNumber {
  constructor(readonly text: string) {}
  static of(n: number | bigint): JsonNumber {
    return new JsonNumber(typeof n === 'bigint' ? n.toString() : String(n));
  }
}

/** An object whose keys keep insertion order, whatever they look like. */
export class JsonObject {
  readonly entries: Array<[string, JsonValue]>;
  constructor(entries: Array<[string, JsonValue]> = []) {
    this.entries = entries;
  }
  get(key: string): JsonValue | undefined {
    return this.entries.find(([k]) => k === key)?.[1];
  }
  has(key: string): boolean {
    return this.entries.some(([k]) => k === key);
  }
}

export type JsonValue = null | boolean | string | JsonNumber | readonly JsonValue[] | JsonObject;

/** Compact JSON text, no whitespace (what Jackson writes without a pretty printer). */
export function writeJson(value: JsonValue): string {
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  return writeJson(a) === writeJson(b);
}

function write(value: JsonValue, out: string[]): void {
  if (value === null) out.push('null');
  else if (typeof value === 'boolean') out.push(value ? 'true' : 'false');
  else if (typeof value === 'string') out.push(JSON.stringify(value));
  else if (value instanceof JsonNumber) out.push(value.text);
  else if (value instanceof JsonObject) {
    out.push('{');
    value.entries.forEach(([k, v], i) => {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(k), ':');
      write(v, out);
    });
    out.push('}');
  } else {
    out.push('[');
    value.forEach((v, i) => {
      if (i > 0) out.push(',');
      write(v, out);
    });
    out.push(']');
  }
}
