import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';
import { InvalidArgumentError, IOError, readNpy, Tensor, writeNpy } from '@instr/core';
import type { ResampleOptions } from '@instr/dsp';
import { readAudioFile } from '@instr/dsp/node';

/** Format version of cache entries; bumping it invalidates every entry. */
const CACHE_VERSION = 1;

/**
 * Options of {@link AudioCache}.
 * @example
 * ```ts
 * const cache = new AudioCache({ dir: '.cache/instr' } satisfies AudioCacheOptions);
 * ```
 */
export interface AudioCacheOptions {
  /** Folder of the cache (created when missing). */
  dir: string;
}

/**
 * Options of {@link AudioCache.audio} and {@link loadMonoAudio}.
 * @example
 * ```ts
 * await loadMonoAudio('a.flac', { sampleRate: 22050, resample: { quality: 'fast' } } satisfies LoadAudioOptions);
 * ```
 */
export interface LoadAudioOptions {
  /** Target sample rate in Hz; every file is resampled to it (mixed-rate datasets are fine). */
  sampleRate: number;
  /** Resampler options (default `{ quality: 'default' }`); they are part of the cache key. */
  resample?: ResampleOptions;
}

/**
 * Counters of an {@link AudioCache} in this process (or worker).
 * @example
 * ```ts
 * const { hits, misses, writes }: CacheCounters = cache.counters;
 * ```
 */
export interface CacheCounters {
  hits: number;
  misses: number;
  writes: number;
}

/**
 * What {@link AudioCache.sizeReport} found on disk.
 * @example
 * ```ts
 * const { files, bytes, audio, features }: CacheSizeReport = await cache.sizeReport();
 * ```
 */
export interface CacheSizeReport {
  /** Folder of the cache. */
  dir: string;
  /** Entries (audio and features). */
  files: number;
  /** Total bytes. */
  bytes: number;
  /** Audio entries and their bytes. */
  audio: { files: number; bytes: number };
  /** Feature entries and their bytes. */
  features: { files: number; bytes: number };
}

/**
 * Decodes `path` to mono float32 at `sampleRate` (band-limited resampling from whatever rate the file
 * has, so a dataset with mixed rates comes out uniform), optionally through an {@link AudioCache}.
 * @throws {@link IOError} / {@link AudioDecodeError} naming the file.
 * @example
 * ```ts
 * const y = await loadMonoAudio('a.flac', { sampleRate: 22050 }, cache);
 * ```
 */
export async function loadMonoAudio(
  path: string,
  options: LoadAudioOptions,
  cache?: AudioCache,
): Promise<Float32Array> {
  if (cache) return cache.audio(path, options);
  const audio = await readAudioFile(path, {
    mono: true,
    sampleRate: options.sampleRate,
    resample: options.resample ?? { quality: 'default' },
    source: path,
  });
  return audio.channels[0]!;
}

/**
 * A disk cache of decoded, resampled mono audio and of features. Each entry is a `.npy` file named by the
 * SHA-256 of everything that affects it: the resolved file path, its size and modification time, the
 * sample rate, the resampler options and (for features) the caller's parameters (feature spec, crop …),
 * so editing a file or changing a parameter misses instead of returning stale data. Entries are written
 * to a temporary file and renamed, so concurrent writers (worker threads, processes) never expose a
 * partial file; the last rename wins with identical content.
 *
 * @example
 * ```ts
 * const cache = new AudioCache({ dir: '.cache/audio' });
 * const y = await cache.audio('a.flac', { sampleRate: 22050 });     // decode + resample, stored
 * const again = await cache.audio('a.flac', { sampleRate: 22050 }); // read from disk
 * const mel = await cache.features('a.flac', { spec, sampleRate: 22050 }, () => logMelSpectrogram(y, opts));
 * console.log(await cache.sizeReport(), cache.counters);
 * await cache.clear();
 * ```
 */
export class AudioCache {
  readonly dir: string;
  /** Hits, misses and writes made through this instance. */
  readonly counters: CacheCounters = { hits: 0, misses: 0, writes: 0 };

  constructor(options: AudioCacheOptions) {
    if (!options || typeof options.dir !== 'string' || options.dir === '') {
      throw new InvalidArgumentError('AudioCache needs a `dir`.', { details: { key: 'dir' } });
    }
    this.dir = resolve(options.dir);
  }

  /**
   * The cache key of `path` with `params`: a hex SHA-256 over the path, size, mtime and params.
   * @throws {@link IOError} when the file cannot be read.
   */
  async key(kind: 'audio' | 'features', path: string, params: unknown): Promise<string> {
    const full = resolve(path);
    let s: Awaited<ReturnType<typeof stat>>;
    try {
      s = await stat(full);
    } catch (cause) {
      throw new IOError(`Cannot read ${full}: ${(cause as Error).message}`, {
        details: { file: full },
        cause,
      });
    }
    const text = stableStringify({
      v: CACHE_VERSION,
      kind,
      path: full,
      size: s.size,
      mtimeMs: s.mtimeMs,
      params,
    });
    return `${kind === 'audio' ? 'a' : 'f'}${createHash('sha256').update(text).digest('hex')}`;
  }

  /** Mono audio of `path` at `options.sampleRate` (see {@link loadMonoAudio}), from the cache when present. */
  async audio(path: string, options: LoadAudioOptions): Promise<Float32Array> {
    const resample = options.resample ?? { quality: 'default' };
    const key = await this.key('audio', path, { sampleRate: options.sampleRate, resample });
    const hit = await this.read(key);
    if (hit) return hit.data as Float32Array;
    const y = await loadMonoAudio(path, { sampleRate: options.sampleRate, resample });
    await this.write(key, new Tensor('float32', y, [y.length]));
    return y;
  }

  /**
   * A float32 tensor derived from `path` with `params` (e.g. `{ spec, sampleRate, crop }`): read from the
   * cache, or computed by `compute` and stored. `params` must hold everything the result depends on
   * besides the file's content.
   */
  async features(
    path: string,
    params: unknown,
    compute: () => Tensor<'float32'> | Promise<Tensor<'float32'>>,
  ): Promise<Tensor<'float32'>> {
    const key = await this.key('features', path, params);
    const hit = await this.read(key);
    if (hit) return hit;
    const t = await compute();
    await this.write(key, t);
    return t;
  }

  /** Files and bytes on disk. */
  async sizeReport(): Promise<CacheSizeReport> {
    const report: CacheSizeReport = {
      dir: this.dir,
      files: 0,
      bytes: 0,
      audio: { files: 0, bytes: 0 },
      features: { files: 0, bytes: 0 },
    };
    for (const { name, path } of await this.entries()) {
      const s = await stat(path).catch(() => undefined);
      if (!s) continue;
      const part = name.startsWith('a') ? report.audio : report.features;
      part.files++;
      part.bytes += s.size;
      report.files++;
      report.bytes += s.size;
    }
    return report;
  }

  /** Deletes every entry (and stray temporary files); the folder itself stays. */
  async clear(): Promise<void> {
    const subdirs = await readdir(this.dir).catch(() => [] as string[]);
    await Promise.all(
      subdirs
        .filter((d) => /^[0-9a-f]{2}$/.test(d))
        .map((d) => rm(join(this.dir, d), { recursive: true, force: true })),
    );
  }

  private pathOf(key: string): string {
    return join(this.dir, key.slice(1, 3), `${key}.npy`);
  }

  private async entries(): Promise<{ name: string; path: string }[]> {
    const out: { name: string; path: string }[] = [];
    const subdirs = await readdir(this.dir).catch(() => [] as string[]);
    for (const d of subdirs) {
      if (!/^[0-9a-f]{2}$/.test(d)) continue;
      for (const name of await readdir(join(this.dir, d)).catch(() => [] as string[])) {
        if (name.endsWith('.npy')) out.push({ name, path: join(this.dir, d, name) });
      }
    }
    return out;
  }

  private async read(key: string): Promise<Tensor<'float32'> | undefined> {
    const file = this.pathOf(key);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch {
      this.counters.misses++;
      return undefined;
    }
    try {
      const t = readNpy(bytes);
      if (t.dtype !== 'float32') throw new Error('not float32');
      this.counters.hits++;
      return t as Tensor<'float32'>;
    } catch {
      // A foreign or damaged entry: drop it and recompute.
      await unlink(file).catch(() => undefined);
      this.counters.misses++;
      return undefined;
    }
  }

  private async write(key: string, t: Tensor<'float32'>): Promise<void> {
    const file = this.pathOf(key);
    const tmp = `${file}.${process.pid}.${threadId}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(join(this.dir, key.slice(1, 3)), { recursive: true });
      await writeFile(tmp, writeNpy(t));
      await rename(tmp, file);
      this.counters.writes++;
    } catch (cause) {
      await unlink(tmp).catch(() => undefined);
      throw new IOError(`Cannot write the cache entry ${file}: ${(cause as Error).message}`, {
        details: { file },
        cause,
      });
    }
  }
}

/** JSON with sorted keys, so equal parameter objects hash equally. */
function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    return `[${Array.from(value as ArrayLike<unknown>, (v) => stableStringify(v)).join(',')}]`;
  }
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`)
    .join(',')}}`;
}
