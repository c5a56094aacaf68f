// workerpool registers named methods; the pool calls exec('task', [id]).
import { workerData } from 'node:worker_threads';
import workerpool from 'workerpool';
import { prepareTask, type TaskSpec } from '../../scenarios/workloads/task.js';

// Awaited before registering: a user's module (the module workload) is imported before the first task.
const task = await prepareTask(workerData as TaskSpec);
workerpool.worker({ task });
