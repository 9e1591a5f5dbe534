// A count of what a test run actually executed, so that a run can be judged on
// more than the runner's exit code: node's runner exits 0 when every test is
// skipped, and an integration test that skips because no service answers is
// not a pass.
//
// The default export is a node:test reporter (scripts/run-tests.mjs adds it
// beside the spec reporter, with a file as its destination): one JSON line per
// finished test, `{ file, state }` with state ran | failed | skipped. Suites are
// left out; they hold tests and run none themselves. A file that fails to load
// appears as one failed test named after the file.
//
// checkCensus() reads those lines back and lists what makes the run not green.
import { readFileSync, existsSync } from 'node:fs';

export default async function* censusReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.details?.type === 'suite') continue;
    const skipped = (d.skip !== undefined && d.skip !== false) || (d.todo !== undefined && d.todo !== false);
    const state = event.type === 'test:fail' ? 'failed' : skipped ? 'skipped' : 'ran';
    yield `${JSON.stringify({ file: d.file ?? null, name: d.name, state })}\n`;
  }
}

/** Reads the reporter's lines; a missing file is an empty census (nothing was reported). */
export function readCensus(path) {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/**
 * Problems with a run, as sentences (empty: the census is fine).
 *   entries: the reporter's lines
 *   integrationFiles: absolute paths of the *.it.test.ts files the run was given
 * Every integration file must have run at least one test, and no integration
 * test may be skipped: their services are part of the run, so a skip means
 * something the run was meant to check went unchecked.
 */
export function checkCensus(entries, integrationFiles) {
  const problems = [];
  for (const file of integrationFiles) {
    const mine = entries.filter((e) => e.file === file);
    const ran = mine.filter((e) => e.state === 'ran' || e.state === 'failed').length;
    const skipped = mine.filter((e) => e.state === 'skipped');
    if (ran === 0) problems.push(`${file}: no test ran`);
    for (const s of skipped) problems.push(`${file}: "${s.name}" was skipped`);
  }
  return problems;
}
