import { ServiceError } from './errors.js';

/**
 * At most `concurrency` jobs at once and at most `queueSize` waiting; beyond that `run` rejects at once
 * with a 429 `BUSY` error, so an overloaded service sheds load instead of piling up requests.
 * @example
 * ```ts
 * const queue = new BoundedQueue(2, 8);
 * const release = await queue.acquire(); // throws ServiceError 429 when 2 run and 8 wait
 * try { await work(); } finally { release(); }
 * ```
 */
export class BoundedQueue {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly queueSize: number,
  ) {}

  /** Jobs running and waiting. */
  get stats(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  /** Takes a slot (waiting if needed); throws `BUSY` when the queue is full. Call the returned release once. */
  async acquire(): Promise<() => void> {
    if (this.active >= this.concurrency) {
      if (this.waiting.length >= this.queueSize) {
        throw new ServiceError(
          429,
          'BUSY',
          `The service is busy (${this.active} running, ${this.waiting.length} queued); retry later.`,
          {
            concurrency: this.concurrency,
            queueSize: this.queueSize,
          },
        );
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}

/** Rejects with a 504 `TIMEOUT` when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ServiceError(504, 'TIMEOUT', `${what} took longer than ${ms} ms.`, { timeoutMs: ms })),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs `work` in a slot of `queue` (429 when full) and answers 504 after `ms`. At the timeout the signal
 * given to `work` is aborted, so it can stop before its next step (the service stops before the next
 * uploaded file); the slot is released when the work itself ends, not at the timeout: ONNX Runtime cannot
 * be cancelled, so timed-out work still counts against the concurrency limit until it finishes.
 * @example
 * ```ts
 * const result = await runBounded(queue, async (signal) => classifyAll(files, signal), 120_000, 'Classification');
 * ```
 */
export async function runBounded<T>(
  queue: BoundedQueue,
  work: (signal: AbortSignal) => Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  const release = await queue.acquire();
  const controller = new AbortController();
  let promise: Promise<T>;
  try {
    promise = work(controller.signal);
  } catch (error) {
    release();
    throw error;
  }
  promise.then(release, release);
  return withTimeout(promise, ms, what).catch((error) => {
    if (error instanceof ServiceError && error.code === 'TIMEOUT') controller.abort(error);
    throw error;
  });
}
