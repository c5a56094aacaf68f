// Where things live, whether the caller runs from TypeScript source (tests) or from compiled dist/.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: two levels above dist/core/, one level above core/. */
export const projectRoot: string = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.split(/[\\/]/).includes('dist') ? resolve(here, '..', '..') : resolve(here, '..');
})();

/** A compiled JavaScript file under dist/; measured code never runs through a TypeScript loader. */
export function compiledFile(...segments: string[]): string {
  const file = join(projectRoot, 'dist', ...segments);
  if (!existsSync(file)) throw new Error(`${file} is missing; run "pnpm build" first`);
  return file;
}

export const scenariosDir = join(projectRoot, 'scenarios');
export const resultsDir = join(projectRoot, 'results');
