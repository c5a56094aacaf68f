// piscina calls the default export with each task's payload (a task id); workerData carries the workload.
import { workerData } from 'node:worker_threads';
import { createTask, type TaskSpec } from '../../scenarios/workloads/task.js';

export default createTask(workerData as TaskSpec);
