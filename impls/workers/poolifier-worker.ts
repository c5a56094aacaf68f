// poolifier treats a task function as async only when it is declared async.
import { workerData } from 'node:worker_threads';
import { ThreadWorker } from 'poolifier';
import { createTask, type TaskInput, type TaskSpec } from '../../scenarios/workloads/task.js';

const task = createTask(workerData as TaskSpec);
export default new ThreadWorker<TaskInput, number>(async (input?: TaskInput) => task(input as TaskInput));
