/** Filter: drops every record it is applied to; used with a predicate (KIP-585). */
import { ConfigDef } from '../../config/define.ts';
import type { TransformationPlugin } from '../contracts.ts';
import { KAFKA_TRANSFORMS_PACKAGE, KAFKA_TRANSFORMS_VERSION } from './version.ts';

export const filter: TransformationPlugin = {
  kind: 'transformation', className: `${KAFKA_TRANSFORMS_PACKAGE}.Filter`, aliases: [], version: KAFKA_TRANSFORMS_VERSION,
  configDef: new ConfigDef([]),
  doc: 'Drops all records, filtering them from subsequent transformations in the chain. This is intended to be used conditionally to filter out records matching (or not matching) a particular Predicate.',
  create: () => ({ apply: () => null }),
};
