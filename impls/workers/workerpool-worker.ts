// workerpool registers named methods; the pool calls exec('task', [id]).
import { workerData } from 'node:worker_threads';
import workerpool from 'workerpool';
import { createTask, type Workload } from '../../scenarios/workloads/task.js';

const task = createTask(workerData as Workload);
workerpool.worker({ task });
