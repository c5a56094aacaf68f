// tinypool wraps worker_threads' workerData with its own; Tinypool.workerData is the user's part.
import Tinypool from 'tinypool';
import { prepareTask, type TaskSpec } from '../../scenarios/workloads/task.js';

// Awaited at the top level: a user's module (the module workload) is imported before the first task.
export default await prepareTask(Tinypool.workerData as TaskSpec);
