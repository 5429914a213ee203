/** Worker-thread entry: renders the clip indices the main thread sends. */
import { parentPort, workerData } from 'node:worker_threads';
import type { Inventory } from './inventory.js';
import { ClipJob } from './job.js';
import type { CorpusConfig } from './plan.js';

/** Messages from the main thread. */
export type ToWorker = { type: 'render'; index: number } | { type: 'stop' };
/** Messages to the main thread. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; index: number }
  | { type: 'error'; index: number; message: string; stack?: string };

const { config, inventory, out } = workerData as { config: CorpusConfig; inventory: Inventory; out: string };
const job = new ClipJob(config, inventory, out);
const port = parentPort!;
port.on('message', async (msg: ToWorker) => {
  if (msg.type === 'stop') {
    port.close();
    return;
  }
  try {
    await job.run(msg.index);
    port.postMessage({ type: 'done', index: msg.index } satisfies FromWorker);
  } catch (e) {
    const err = e as Error;
    port.postMessage({
      type: 'error',
      index: msg.index,
      message: err.message,
      stack: err.stack,
    } satisfies FromWorker);
  }
});
port.postMessage({ type: 'ready' } satisfies FromWorker);
