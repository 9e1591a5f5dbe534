/**
 * The transformation chain of one task (Connect's TransformationChain + TransformationStage):
 * stages in the order of `transforms`, each with its own instances (a fresh predicate
 * instance per referencing stage), applied synchronously. Built from a connector config
 * already validated with withTransformFields (transform-config.ts), once per task attempt.
 */
import type { ParsedConfig } from '../config/define.ts';
import { ConfigError } from '../errors/cdc-error.ts';
import type { SourceRecord } from '../events/record.ts';
import type { Logger } from '../log/logger.ts';
import type { Predicate, Transformation } from './contracts.ts';
import { PREDICATES_PREFIX, TRANSFORMS_PREFIX, subConfig, versionOf } from './transform-config.ts';
import type { TransformRegistry } from './transform-registry.ts';

export interface TransformStage {
  readonly alias: string;
  readonly className: string;
  readonly transformation: Transformation;
  readonly predicate: Predicate | null;
  readonly negate: boolean;
}

/** Thrown by TransformChain.apply: which stage failed, and why (the error the transformation threw). */
export class TransformStageFailure extends Error {
  constructor(readonly stage: TransformStage, override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'TransformStageFailure';
  }
}

export class TransformChain {
  constructor(readonly stages: readonly TransformStage[]) {}

  /** The record after every stage, or null when a stage dropped it. Throws TransformStageFailure. */
  apply(record: SourceRecord): SourceRecord | null {
    let r: SourceRecord = record;
    for (const s of this.stages) {
      let next: SourceRecord | null;
      try {
        // Connect: apply iff no predicate, or negate XOR predicate.test(record).
        if (s.predicate !== null && s.negate === s.predicate.test(r)) continue;
        next = s.transformation.apply(r);
      } catch (err) {
        throw new TransformStageFailure(s, err);
      }
      if (next === null) return null;
      r = next;
    }
    return r;
  }

  close(): void {
    for (const s of this.stages) {
      s.transformation.close?.();
      s.predicate?.close?.();
    }
  }
}

/**
 * The chain a connector config describes, or null when it lists no transform (the runtime
 * then skips the stage outright: no per-record call at all). `log` is the connector's logger:
 * each transformation gets a child bound to its alias, each predicate one bound to both aliases.
 */
export function buildTransformChain(config: ParsedConfig, registry: TransformRegistry, where: string, log?: Logger): TransformChain | null {
  const aliases = config.getList('transforms') ?? [];
  if (aliases.length === 0) return null;
  const predicateAliases = config.getList('predicates') ?? [];
  const stages: TransformStage[] = [];
  try {
    for (const alias of aliases) {
      const prefix = `${TRANSFORMS_PREFIX}${alias}.`;
      const raw = config.raw();
      const cls = raw[`${prefix}type`] ?? '';
      const plugin = registry.find('transformation', cls, versionOf(raw, prefix));
      if (!plugin) throw unknownClass('transformation', `${prefix}type`, cls, registry, where);
      const predicateAlias = raw[`${prefix}predicate`];
      let predicate: Predicate | null = null;
      if (predicateAlias !== undefined && predicateAlias !== '') {
        const pPrefix = `${PREDICATES_PREFIX}${predicateAlias}.`;
        const pCls = raw[`${pPrefix}type`];
        if (pCls === undefined || !predicateAliases.includes(predicateAlias)) {
          throw new ConfigError({
            code: 'CDC_TRANSFORM_CONFIG', what: `transform ${alias} references predicate ${predicateAlias}, which is not defined`,
            where: `${where}, property ${prefix}predicate`, fix: `add ${predicateAlias} to predicates and set ${pPrefix}type, or remove ${prefix}predicate`,
          });
        }
        const pPlugin = registry.find('predicate', pCls, versionOf(raw, pPrefix));
        if (!pPlugin) throw unknownClass('predicate', `${pPrefix}type`, pCls, registry, where);
        predicate = pPlugin.create(subConfig(config, pPrefix, pPlugin), log?.child({ transform: alias, predicate: predicateAlias }));
      }
      const negate = (raw[`${prefix}negate`] ?? '').trim().toLowerCase() === 'true';
      const transformation = plugin.create(subConfig(config, prefix, plugin), log?.child({ transform: alias }));
      stages.push({ alias, className: plugin.className, transformation, predicate, negate });
    }
  } catch (err) {
    new TransformChain(stages).close();
    throw err;
  }
  return new TransformChain(stages);
}

function unknownClass(kind: 'transformation' | 'predicate', property: string, cls: string, registry: TransformRegistry, where: string): ConfigError {
  return new ConfigError({
    code: 'CDC_TRANSFORM_CONFIG', what: `${cls || '(empty)'} is not an installed ${kind}`,
    where: `${where}, property ${property}`, fix: `use one of: ${registry.classNames(kind).join(', ')} (docs/transforms.md)`,
  });
}
