// poolifier treats a task function as async only when it is declared async. A dynamic pool's idle limit lives
// here, in the worker's maxInactiveTime, so the adapter passes it through workerData.
import { workerData } from 'node:worker_threads';
import { ThreadWorker } from 'poolifier';
import { prepareTask, type TaskInput, type TaskSpec } from '../../scenarios/workloads/task.js';

const data = workerData as TaskSpec & { maxInactiveTime?: number };
// Awaited before the worker starts: a user's module (the module workload) is imported before the first task.
const task = await prepareTask(data);
export default new ThreadWorker<TaskInput, number>(
  async (input?: TaskInput) => task(input as TaskInput),
  data.maxInactiveTime === undefined ? {} : { maxInactiveTime: data.maxInactiveTime },
);
