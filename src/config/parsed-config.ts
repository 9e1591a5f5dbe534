/**
 * The typed view of one parsed config. Built by evaluate.ts; handed to checks (as
 * ParsedValues) while parsing and to the plugin (as ParsedConfig) once it is valid.
 */
import type { ConfigWarning, FieldDef, FieldType, ParsedConfig } from './define.ts';
import { Secret } from './secret.ts';

export interface ParsedState {
  readonly fields: ReadonlyMap<string, FieldDef>;
  readonly values: ReadonlyMap<string, unknown>;
  readonly explicit: ReadonlySet<string>;
  readonly raw: Readonly<Record<string, string>>;
  readonly warnings: readonly ConfigWarning[];
}

export class ParsedConfigView implements ParsedConfig {
  constructor(private readonly state: ParsedState) {}

  get warnings(): readonly ConfigWarning[] {
    return this.state.warnings;
  }

  get<T>(field: FieldDef<T>): T {
    this.declared(field.name);
    return this.state.values.get(field.name) as T;
  }

  value(name: string): unknown {
    this.declared(name);
    return this.state.values.get(name);
  }

  isSet(name: string): boolean {
    return this.state.explicit.has(name);
  }

  raw(): Readonly<Record<string, string>> {
    return this.state.raw;
  }

  getString(name: string): string | undefined {
    return this.typed(name, ['string', 'class'], (v): v is string => typeof v === 'string');
  }

  getInt(name: string): number | undefined {
    return this.typed(name, ['int', 'short'], (v): v is number => typeof v === 'number');
  }

  getLong(name: string): number | undefined {
    return this.typed(name, ['long', 'int', 'short'], (v): v is number => typeof v === 'number');
  }

  getDouble(name: string): number | undefined {
    return this.typed(name, ['double'], (v): v is number => typeof v === 'number');
  }

  getBoolean(name: string): boolean | undefined {
    return this.typed(name, ['boolean'], (v): v is boolean => typeof v === 'boolean');
  }

  getList(name: string): readonly string[] | undefined {
    return this.typed(name, ['list'], (v): v is readonly string[] => Array.isArray(v));
  }

  getPassword(name: string): Secret | undefined {
    return this.typed(name, ['password'], (v): v is Secret => v instanceof Secret);
  }

  originalsWithPrefix(prefix: string, strip = true): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.state.raw)) {
      if (key.startsWith(prefix)) out[strip ? key.slice(prefix.length) : key] = value;
    }
    return out;
  }

  // Asking for an undeclared name or the wrong type is a programming error, not a
  // user error, so it throws a plain Error instead of returning undefined silently.
  private declared(name: string): FieldDef {
    const f = this.state.fields.get(name);
    if (!f) throw new Error(`config property "${name}" is not declared in this ConfigDef`);
    return f;
  }

  private typed<V>(name: string, types: readonly FieldType[], is: (v: unknown) => v is V): V | undefined {
    const f = this.declared(name);
    if (!types.includes(f.type)) throw new Error(`config property "${name}" has type ${f.type}, not ${types[0]}`);
    const v = this.state.values.get(name);
    return is(v) ? v : undefined;
  }
}
