/**
 * Files the package ships beside its code (migrations/): found from the package root, the
 * nearest directory above a module that holds package.json, so one path works from the
 * TypeScript sources (sources/postgres/x.ts) and from the compiled tree (dist/sources/postgres/x.js).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packagePath(moduleUrl: string, relative: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}: the package is incomplete (reinstall it)`);
    dir = up;
  }
  return join(dir, relative);
}
