// Reading a JSON input file (a scenario, a results file): every failure names the file, as the CLI prints it.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { errors } from './errors.js';

/** The file as shown in errors: relative to the working folder where that is shorter. */
export function shownPath(file: string): string {
  return relative(process.cwd(), file) || file;
}

/** Reads and parses `file`; an unreadable file or malformed JSON becomes an InputError naming it. */
export function readJsonFile(file: string, reviver?: (key: string, value: unknown) => unknown): unknown {
  const shown = shownPath(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw errors.unreadableFile(shown, (error as NodeJS.ErrnoException).code ?? String(error));
  }
  try {
    return JSON.parse(text, reviver);
  } catch (error) {
    throw errors.malformedJson(shown, (error as Error).message);
  }
}
