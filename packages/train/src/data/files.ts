import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { DatasetError, InvalidArgumentError, IOError } from '@instr/core';

/**
 * Audio file extensions the loaders pick up by default (what `@instr/dsp` decodes).
 * @example
 * ```ts
 * await loadAudioFolder('samples', { extensions: [...AUDIO_EXTENSIONS, 'aiff'] });
 * ```
 */
export const AUDIO_EXTENSIONS: readonly string[] = ['wav', 'flac', 'mp3', 'ogg', 'opus'];

/**
 * Progress of a long operation: `done` of `total` items, and the item just finished.
 * @example
 * ```ts
 * const onProgress = ({ done, total, id }: Progress) => console.log(`${done}/${total} ${id}`);
 * ```
 */
export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly id?: string;
}

/**
 * A progress callback.
 * @example
 * ```ts
 * const onProgress: ProgressCallback = ({ done, total }) => bar.update(done / total);
 * ```
 */
export type ProgressCallback = (progress: Progress) => void;

/** @internal Recursively lists audio files under `root` (sorted, POSIX-style relative ids). */
export async function listAudioFiles(
  root: string,
  extensions: readonly string[] = AUDIO_EXTENSIONS,
): Promise<{ path: string; id: string }[]> {
  const exts = new Set(extensions.map((e) => e.replace(/^\./, '').toLowerCase()));
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(root);
  } catch (cause) {
    throw new DatasetError(`Dataset folder ${root} does not exist or cannot be read.`, {
      details: { file: root },
      cause,
    });
  }
  if (!info.isDirectory()) {
    throw new DatasetError(`${root} is not a folder.`, { details: { file: root } });
  }
  const out: { path: string; id: string }[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (cause) {
      throw new IOError(`Cannot list folder ${dir}.`, { details: { file: dir }, cause });
    }
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && exts.has(extname(e.name).slice(1).toLowerCase())) {
        out.push({ path: full, id: relative(root, full).split(sep).join('/') });
      }
    }
  };
  await walk(root);
  out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out;
}

/** @internal Throws one DatasetError naming every missing file (the first 20 in the message). */
export async function assertFilesExist(paths: readonly string[], where: string): Promise<void> {
  const missing: string[] = [];
  await mapConcurrent(paths, 16, async (p) => {
    try {
      const s = await stat(p);
      if (!s.isFile()) missing.push(p);
    } catch {
      missing.push(p);
    }
  });
  if (missing.length > 0) {
    missing.sort();
    const shown = missing.slice(0, 20).join(', ');
    throw new DatasetError(
      `${missing.length} file(s) listed in ${where} do not exist: ${shown}${missing.length > 20 ? ', …' : ''}. ` +
        'Fix the paths (relative paths are resolved against the listing’s folder or the `root` option).',
      { details: { file: missing[0], key: 'missing', actual: missing } },
    );
  }
}

/**
 * Runs `fn` over `items` with at most `concurrency` calls in flight, keeping the result order.
 * `onProgress` is called after each item.
 * @example
 * ```ts
 * const sizes = await mapConcurrent(paths, 8, async (p) => (await stat(p)).size);
 * ```
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
  onProgress?: (done: number, total: number, index: number) => void,
): Promise<R[]> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError(`concurrency must be a positive integer, got ${concurrency}.`, {
      details: { key: 'concurrency', actual: concurrency },
    });
  }
  const results = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  const run = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
      done++;
      onProgress?.(done, items.length, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, run));
  return results;
}
