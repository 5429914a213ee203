import { type Audio, audioLength, InvalidArgumentError } from '@instr/core';
import { resampleAudio } from '@instr/dsp';
import { checkAudio, checkInteger } from '../util.js';

/**
 * A set of clips: decoded audio, or a synchronous loader (decode beforehand, e.g. with {@link preloadClips}).
 * @example
 * ```ts
 * const clips: ClipSet = { size: paths.length, load: (i) => decoded[i]! };
 * ```
 */
export type ClipSet = readonly Audio[] | { readonly size: number; load(index: number): Audio };

/**
 * Decodes a clip set up front with an asynchronous loader, e.g. `readAudioFile` from `@instr/dsp/node`.
 * @example
 * ```ts
 * const clips = await preloadClips(paths.length, (i) => readAudioFile(paths[i]!, { sampleRate: 22050 }));
 * const bg = new BackgroundNoise({ clips });
 * ```
 */
export async function preloadClips(
  size: number,
  load: (index: number) => Audio | Promise<Audio>,
): Promise<Audio[]> {
  checkInteger(size, 'size', 0);
  return Promise.all(Array.from({ length: size }, (_, i) => load(i)));
}

/** @internal Resolves clip `index` of a set, resampled to `sampleRate` and cached. */
export class ClipCache {
  readonly size: number;
  private readonly cache = new Map<string, Audio>();
  constructor(
    private readonly clips: ClipSet,
    private readonly who: string,
  ) {
    const size = Array.isArray(clips) ? clips.length : (clips as { size: number }).size;
    if (
      !Array.isArray(clips) &&
      (typeof (clips as { load?: unknown })?.load !== 'function' || !Number.isInteger(size))
    ) {
      throw new InvalidArgumentError(`${who}: clips must be an array of Audio or { size, load(index) }.`, {
        details: { key: 'clips' },
      });
    }
    if (!(size > 0)) {
      throw new InvalidArgumentError(`${who}: the clip set is empty; give at least one clip.`, {
        details: { key: 'clips', actual: size },
      });
    }
    this.size = size;
  }
  get(index: number, sampleRate: number): Audio {
    const key = `${index}@${sampleRate}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const raw = Array.isArray(this.clips)
      ? (this.clips as Audio[])[index]!
      : (this.clips as { load(i: number): Audio }).load(index);
    if (raw && typeof (raw as unknown as Promise<Audio>).then === 'function') {
      throw new InvalidArgumentError(
        `${this.who}: the clip loader returned a promise; decode first with preloadClips().`,
      );
    }
    checkAudio(raw, `${this.who} clip ${index}`);
    const audio =
      raw.sampleRate === sampleRate || audioLength(raw) === 0 ? raw : resampleAudio(raw, sampleRate);
    if (Array.isArray(this.clips) || this.cache.size < 64) this.cache.set(key, audio);
    return audio;
  }
}
