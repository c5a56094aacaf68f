// The raw-workers reference: plain postMessage in both directions, ids in, encoded results out.
import { parentPort, workerData } from 'node:worker_threads';
import { createTask, type Workload } from '../../scenarios/workloads/task.js';

const task = createTask(workerData as Workload);
const port = parentPort!;
port.on('message', (id: number) => {
  task(id).then(
    (result) => port.postMessage(result),
    (error: unknown) => port.postMessage({ id, error: String(error) }),
  );
});
