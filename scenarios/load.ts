// Finds scenario files on disk and turns them into validated scenarios.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { errors } from '../core/errors.js';
import { scenariosDir } from '../core/paths.js';
import { readJsonFile, shownPath } from '../core/json-file.js';
import { validateScenario, type ValidatedScenario } from './schema.js';
import { prepareWorkload } from './workloads/task.js';

export function listScenarioIds(dir = scenariosDir): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function loadScenarioFile(file: string): ValidatedScenario {
  const shown = shownPath(file);
  const json = readJsonFile(file);
  // A module workload's paths are relative to the scenario file, wherever it lives.
  const validated = validateScenario(json, shown, { dir: dirname(resolve(file)) });
  const expectedId = file.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
  if (validated.scenario.id !== expectedId) {
    throw errors.invalidField(shown, 'id', validated.scenario.id, `${JSON.stringify(expectedId)} (the file's name)`);
  }
  return validated;
}

/**
 * Loads a scenario by id, or by path when the argument ends in .json. The shipped examples of your own task
 * (scenarios/examples/) load by id too, so the command a results file names (`--scenario hash`) runs as written.
 */
export function loadScenario(idOrPath: string, dir = scenariosDir): ValidatedScenario {
  if (idOrPath.endsWith('.json')) return loadScenarioFile(resolve(idOrPath));
  const known = listScenarioIds(dir);
  if (known.includes(idOrPath)) return loadScenarioFile(join(dir, `${idOrPath}.json`));
  const examples = join(dir, 'examples');
  const exampleIds = existsSync(examples) ? listScenarioIds(examples) : [];
  if (exampleIds.includes(idOrPath)) return loadScenarioFile(join(examples, `${idOrPath}.json`));
  throw errors.unknownScenario(idOrPath, [...known, ...exampleIds.map((id) => `${id} (scenarios/examples)`)]);
}

/**
 * Imports every module a scenario's workload names (a module workload's task and input generator), so a missing
 * export, a non-function or a module that throws at import is reported before any run starts.
 */
export async function checkScenarioModules(validated: ValidatedScenario): Promise<void> {
  for (const scenario of [validated.scenario, ...(validated.points ?? [])]) await prepareWorkload(scenario.workload);
}
