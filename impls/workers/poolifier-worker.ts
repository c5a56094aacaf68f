// poolifier treats a task function as async only when it is declared async.
import { workerData } from 'node:worker_threads';
import { ThreadWorker } from 'poolifier';
import { createTask, type Workload } from '../../scenarios/workloads/task.js';

const task = createTask(workerData as Workload);
export default new ThreadWorker<number, number>(async (id?: number) => task(id as number));
