// `node --cpu-prof dist/scripts/profile.js --scenario <id> --impl <name>`: one setup + warm-up + timed run of one
// implementation in this process, with no IPC and no sampler, so a CPU profile shows only the pool and its tasks.
import { parseArgs } from 'node:util';
import { implementationNames, isImplementationName, registry } from '../impls/registry.js';
import { canRun } from '../impls/capabilities.js';
import { loadScenario } from '../scenarios/load.js';
import { runCli } from '../harness/cli/run-cli.js';
import { errors } from '../core/errors.js';
import { produce } from '../harness/measure/producer.js';
import { resolveThreads } from '../harness/run/runner.js';

await runCli(async () => {
  let values;
  try {
    ({ values } = parseArgs({ options: { scenario: { type: 'string' }, impl: { type: 'string' } } }));
  } catch (error) {
    throw errors.badArguments((error as Error).message);
  }
  if (!values.scenario) throw errors.missingFlag('scenario', 'a scenario id');
  if (!values.impl) throw errors.missingFlag('impl', implementationNames.join(', '));
  if (!isImplementationName(values.impl)) throw errors.unknownImplementation(values.impl, implementationNames);
  const { scenario } = loadScenario(values.scenario);
  const plan = { scenario, threads: resolveThreads(scenario) };
  const verdict = canRun(registry[values.impl], plan);
  if (verdict !== true) throw errors.invalidFlag('impl', values.impl, `an implementation able to run ${scenario.id} (${verdict.reason})`);
  const adapter = await registry[values.impl].load();
  const session = await adapter.setup(plan);
  for (let pass = 0; pass < scenario.warmup.passes; pass++) await produce(session, scenario.warmup.tasks, scenario.producer);
  const tally = await produce(session, scenario.tasks, scenario.producer);
  await session.teardown();
  process.stdout.write(`${adapter.name} on ${scenario.id}: ${(tally.wallMs / 1000).toFixed(3)} s, ${tally.completed}/${tally.tasks} completed\n`);
});
