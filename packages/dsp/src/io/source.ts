import { InvalidArgumentError } from '@instr/core';
import { concatBytes } from './bytes.js';

/**
 * Random-access byte input used by the decoders: a whole buffer, a Node file read by ranges, or a
 * byte stream buffered just enough to serve sequential reads. @internal
 */
export interface ByteSource {
  /** Total length in bytes when known. */
  readonly size: number | undefined;
  /** Reads `length` bytes at `offset`; returns fewer only at the end of the input. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Promises that bytes before `offset` will not be read again (lets a stream drop them). */
  release(offset: number): void;
}

/** A source over bytes already in memory (reads are zero-copy views). @internal */
export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) =>
      bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + length, bytes.length)),
    release: () => {},
  };
}

/**
 * Anything that yields byte chunks: an async iterable (a Node `Readable`) or a web `ReadableStream`.
 * @example
 * ```ts
 * const stream: ByteStream = (await fetch('/a.mp3')).body!; // or fs.createReadStream('a.mp3')
 * ```
 */
export type ByteStream = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

async function* iterateStream(stream: ByteStream): AsyncGenerator<Uint8Array> {
  if (typeof (stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    yield* stream as AsyncIterable<Uint8Array>;
    return;
  }
  const readable = stream as ReadableStream<Uint8Array>;
  if (typeof readable?.getReader !== 'function') {
    throw new InvalidArgumentError(
      'The audio stream must be an AsyncIterable<Uint8Array> or a ReadableStream.',
      {
        details: { key: 'stream' },
      },
    );
  }
  const reader = readable.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** A source over a byte stream: keeps only the bytes not yet released. @internal */
export function streamSource(stream: ByteStream): ByteSource & { close(): Promise<void> } {
  const it = iterateStream(stream);
  let pieces: Uint8Array[] = [];
  let base = 0; // absolute offset of pieces[0]
  let end = 0; // absolute offset after the last buffered byte
  let done = false;
  let releasedTo = 0;

  async function ensure(to: number): Promise<void> {
    while (end < to && !done) {
      const next = await it.next();
      if (next.done) {
        done = true;
        break;
      }
      const value = next.value;
      if (!(value instanceof Uint8Array)) {
        throw new InvalidArgumentError('Audio stream chunks must be Uint8Array (or Buffer).', {
          details: { key: 'stream' },
        });
      }
      if (value.length === 0) continue;
      if (pieces.length === 0) base = end;
      pieces.push(value);
      end += value.length;
      dropReleased();
    }
  }

  function dropReleased(): void {
    while (pieces.length > 0 && base + pieces[0]!.length <= releasedTo) {
      base += pieces[0]!.length;
      pieces.shift();
    }
  }

  return {
    get size() {
      return done ? end : undefined;
    },
    async read(offset, length) {
      if (offset < base)
        throw new Error(`internal: stream offset ${offset} was already released (at ${base})`);
      await ensure(offset + length);
      const to = Math.min(offset + length, end);
      if (to <= offset) return new Uint8Array(0);
      const parts: Uint8Array[] = [];
      let pos = base;
      for (const p of pieces) {
        const pEnd = pos + p.length;
        if (pEnd > offset && pos < to)
          parts.push(p.subarray(Math.max(0, offset - pos), Math.min(p.length, to - pos)));
        pos = pEnd;
        if (pos >= to) break;
      }
      return concatBytes(parts);
    },
    release(offset) {
      releasedTo = Math.max(releasedTo, offset);
      dropReleased();
    },
    async close() {
      pieces = [];
      await it.return?.(undefined);
    },
  };
}

/** Reads `source` sequentially from `from` in pieces of `chunkBytes`, releasing what was read. @internal */
export async function* readSequential(
  source: ByteSource,
  from: number,
  chunkBytes: number,
): AsyncGenerator<Uint8Array> {
  let offset = from;
  for (;;) {
    const bytes = await source.read(offset, chunkBytes);
    if (bytes.length === 0) return;
    offset += bytes.length;
    source.release(offset);
    yield bytes;
    if (bytes.length < chunkBytes && source.size !== undefined && offset >= source.size) return;
  }
}
