// The raw-workers reference: plain postMessage in both directions, ids in, encoded results out.
import { parentPort, workerData } from 'node:worker_threads';
import { prepareTask, type TaskInput, type TaskSpec } from '../../scenarios/workloads/task.js';

// Awaited before listening: a user's module (the module workload) is imported before the first task.
const task = await prepareTask(workerData as TaskSpec);
const port = parentPort!;
port.on('message', (input: TaskInput) => {
  task(input).then(
    (result) => port.postMessage(result),
    (error: unknown) => port.postMessage({ id: typeof input === 'number' ? input : input.id, error: String(error) }),
  );
});
