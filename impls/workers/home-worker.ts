// The task module the home thread engine loads: its default export runs each task; workerData is the workload.
import { workerData } from 'node:worker_threads';
import { prepareTask, type TaskSpec } from '../../scenarios/workloads/task.js';

// Awaited at the top level: a user's module (the module workload) is imported before the first task.
export default await prepareTask(workerData as TaskSpec);
