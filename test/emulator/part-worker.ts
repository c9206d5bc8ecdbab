/** Entry of an emulator worker thread: runs PartWork tasks in the order they arrive. */
import { parentPort } from 'node:worker_threads';
import { PartWork, type Task } from './part-work.js';

const work = new PartWork();
parentPort!.on('message', ({ id, task }: { id: number; task: Task }) => {
  try {
    parentPort!.postMessage({ id, outcome: work.run(task) });
  } catch (e) {
    parentPort!.postMessage({ id, error: (e as Error).message });
  }
});
