/** The message of the CdcErrorList that `fn` throws (every config problem, joined); fails when it does not throw one. */
import assert from 'node:assert/strict';
import { CdcErrorList } from '../../src/errors/cdc-error.ts';

export function configProblems(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CdcErrorList, String(err));
    return err.message;
  }
  assert.fail('expected problems');
}
