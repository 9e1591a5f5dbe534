/**
 * The errors of partitions.ts's findings, shared by task start (thrown) and cdc validate
 * (listed), so both say the same thing with the same code.
 */
import { SourceError } from '../../src/errors/cdc-error.ts';
import type { PartitionProblem } from './partitions.ts';

export function partitionFilterError(p: PartitionProblem, where: string): SourceError {
  return new SourceError({ code: 'CDC_PG_PARTITION_FILTER', what: p.what, where: `${where}, property ${p.property}`, fix: p.fix });
}

export function viaRootError(p: { what: string; fix: string }, where: string): SourceError {
  return new SourceError({ code: 'CDC_PG_PUBLICATION_VIA_ROOT', what: p.what, where: `${where}, properties publication.name / publish.via.partition.root`, fix: p.fix });
}
