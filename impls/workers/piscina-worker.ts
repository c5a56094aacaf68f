// piscina calls the default export with each task's payload (a task id); workerData carries the workload.
import { workerData } from 'node:worker_threads';
import { prepareTask, type TaskSpec } from '../../scenarios/workloads/task.js';

// Awaited at the top level: a user's module (the module workload) is imported before the first task.
export default await prepareTask(workerData as TaskSpec);
