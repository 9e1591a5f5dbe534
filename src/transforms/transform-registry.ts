/**
 * The transformations and predicates connectors may name in transforms.<alias>.type and
 * predicates.<alias>.type. The composition root (cli.ts) registers Kafka's built-ins,
 * Debezium's, and those loaded from plugin.path; nothing registers itself by being imported.
 */
import type { PredicatePlugin, TransformationPlugin, TransformPlugin } from './contracts.ts';

type KindOf<K extends TransformPlugin['kind']> = K extends 'transformation' ? TransformationPlugin : PredicatePlugin;

export class TransformRegistry {
  readonly #plugins: TransformPlugin[] = [];

  /** Adds plugins; a class name (or alias) registered twice with the same version is a programming error. */
  register(...plugins: readonly TransformPlugin[]): this {
    for (const p of plugins) {
      const clash = this.#plugins.find((q) => q.kind === p.kind && q.version === p.version && namesOf(q).some((n) => namesOf(p).includes(n)));
      if (clash) throw new Error(`TransformRegistry: ${p.className} ${p.version} clashes with ${clash.className} ${clash.version}`);
      this.#plugins.push(p);
    }
    return this;
  }

  all(): readonly TransformPlugin[] {
    return this.#plugins;
  }

  /**
   * The plugin a class name designates: exact class name or alias, or (as Connect's plugin
   * aliases) the simple class name when one class of that kind has it; `$` inner-class
   * spellings are part of the name. The newest version
   * when several are installed, or `version` when given.
   */
  find<K extends TransformPlugin['kind']>(kind: K, name: string, version?: string): KindOf<K> | undefined {
    const n = name.trim();
    let matches = this.#plugins.filter((p) => p.kind === kind && namesOf(p).includes(n));
    if (matches.length === 0 && !n.includes('.')) {
      // Connect's plugin aliases: the simple class name, when one class of that kind has it.
      const bySimple = this.#plugins.filter((p) => p.kind === kind && simpleName(p.className) === n);
      if (new Set(bySimple.map((p) => p.className)).size === 1) matches = bySimple;
    }
    if (version !== undefined) return matches.find((p) => p.version === version) as KindOf<K> | undefined;
    return matches.sort((a, b) => compareVersions(b.version, a.version))[0] as KindOf<K> | undefined;
  }

  /** Class names of one kind, sorted, for "use one of" fixes. */
  classNames(kind: TransformPlugin['kind']): string[] {
    return [...new Set(this.#plugins.filter((p) => p.kind === kind).map((p) => p.className))].sort();
  }
}

function simpleName(className: string): string {
  return className.slice(className.lastIndexOf('.') + 1);
}

function namesOf(p: TransformPlugin): readonly string[] {
  return [p.className, ...p.aliases];
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
