/**
 * @internal Entry of a pipeline worker thread: builds an {@link ExampleProcessor} from `workerData.config`
 * and answers `{ type: 'task', id, task }` messages with `result` or `error` messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type ExampleTask, ExampleProcessor, type ProcessorConfig, serializeError } from './processor.js';

const port = parentPort;
if (port) {
  const ready = ExampleProcessor.create((workerData as { config: ProcessorConfig }).config);
  ready.then(
    () => port.postMessage({ type: 'ready' }),
    (e: unknown) => port.postMessage({ type: 'init-error', error: serializeError(e) }),
  );
  port.on('message', (msg: { type: string; id: number; task: ExampleTask }) => {
    if (msg.type !== 'task') return;
    ready
      .then((p) => p.run(msg.task))
      .then(
        (result) =>
          port.postMessage({ type: 'result', id: msg.id, result }, [
            result.x.buffer as ArrayBuffer,
            result.y.buffer as ArrayBuffer,
          ]),
        (e: unknown) => port.postMessage({ type: 'error', id: msg.id, error: serializeError(e) }),
      );
  });
}
