// workerpool registers named methods; the pool calls exec('task', [id]).
import { workerData } from 'node:worker_threads';
import workerpool from 'workerpool';
import { createTask, type TaskSpec } from '../../scenarios/workloads/task.js';

const task = createTask(workerData as TaskSpec);
workerpool.worker({ task });
