// The README's runnable parts: `**Title**` + a ```js example block is a complete program whose `// → …` comments
// are its expected output; a ```js file=NAME block is a file the examples need beside them (the task module).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from './helpers.js';

export interface ReadmeExample {
  title: string;
  code: string;
  /** The lines it must print, from its `// → …` comments. */
  expected: string[];
}

const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');

export const readmeExamples: ReadmeExample[] = [...readme.matchAll(/\*\*(.+?)\*\*\n```js example\n([\s\S]*?)```/g)].map((m) => ({
  title: m[1]!,
  code: m[2]!,
  expected: [...m[2]!.matchAll(/\/\/ → (.*)$/gm)].map((line) => line[1]!),
}));

const readmeFiles = [...readme.matchAll(/```js file=(\S+)\n([\s\S]*?)```/g)].map((m) => ({ name: m[1]!, code: m[2]! }));

/** Writes the README's files (the task module) into `dir`, and returns their names. */
export function writeReadmeFiles(dir: string): string[] {
  for (const file of readmeFiles) writeFileSync(join(dir, file.name), file.code);
  return readmeFiles.map((file) => file.name);
}

/** The example whose title starts with `prefix`. */
export function readmeExample(prefix: string): ReadmeExample {
  const example = readmeExamples.find((e) => e.title.startsWith(prefix));
  if (!example) throw new Error(`README.md has no example titled "${prefix}…"; titles: ${readmeExamples.map((e) => e.title).join(' | ')}`);
  return example;
}
