// tinypool wraps worker_threads' workerData with its own; Tinypool.workerData is the user's part.
import Tinypool from 'tinypool';
import { createTask, type TaskSpec } from '../../scenarios/workloads/task.js';

export default createTask(Tinypool.workerData as TaskSpec);
