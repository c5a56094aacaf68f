// The task module the home thread engine loads: its default export runs each task; workerData is the workload.
import { workerData } from 'node:worker_threads';
import { createTask, type TaskSpec } from '../../scenarios/workloads/task.js';

export default createTask(workerData as TaskSpec);
