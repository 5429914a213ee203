import { InvalidAudioError, NonFiniteError } from './errors.js';

/**
 * Decoded audio: a sample rate and one Float32Array per channel, all of equal length.
 * Samples are nominally in [-1, 1]; louder values are allowed (they are not clipped).
 */
export interface Audio {
  readonly sampleRate: number;
  readonly channels: readonly Float32Array[];
}

/** Sample rates outside this range are treated as corrupt headers, not real audio. */
export const MIN_SAMPLE_RATE = 1000;
export const MAX_SAMPLE_RATE = 768_000;

export interface AudioCheckOptions {
  /** Reject zero-length audio (default true). */
  allowEmpty?: boolean;
  /** Scan every sample for NaN / Infinity (default true). */
  checkFinite?: boolean;
  /** Named in error messages, e.g. a file path. */
  source?: string;
}

/**
 * Validates and wraps audio data.
 * @throws {@link InvalidAudioError} for no channels, unequal lengths, empty audio or an absurd sample rate.
 * @throws {@link NonFiniteError} for NaN or infinite samples.
 * @example
 * ```ts
 * const audio = createAudio(22050, [new Float32Array(22050)]); // 1 s of silence
 * ```
 */
export function createAudio(
  sampleRate: number,
  channels: readonly Float32Array[],
  options: AudioCheckOptions = {},
): Audio {
  const audio = { sampleRate, channels };
  assertAudio(audio, options);
  return audio;
}

/** Checks an {@link Audio} value; see {@link createAudio} for what is rejected. */
export function assertAudio(audio: Audio, options: AudioCheckOptions = {}): void {
  const where = options.source ? ` (${options.source})` : '';
  const details = options.source ? { file: options.source } : {};
  const { sampleRate, channels } = audio;
  if (!Number.isFinite(sampleRate) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    throw new InvalidAudioError(
      `Sample rate ${sampleRate} Hz${where} is outside ${MIN_SAMPLE_RATE}–${MAX_SAMPLE_RATE} Hz.`,
      {
        details: {
          ...details,
          key: 'sampleRate',
          expected: [MIN_SAMPLE_RATE, MAX_SAMPLE_RATE],
          actual: sampleRate,
        },
      },
    );
  }
  if (!Array.isArray(channels) || channels.length === 0) {
    throw new InvalidAudioError(`Audio${where} has no channels.`, {
      details: { ...details, key: 'channels' },
    });
  }
  const length = channels[0]!.length;
  channels.forEach((ch, i) => {
    if (!(ch instanceof Float32Array)) {
      throw new InvalidAudioError(`Channel ${i}${where} is not a Float32Array.`, {
        details: { ...details, key: 'channels' },
      });
    }
    if (ch.length !== length) {
      throw new InvalidAudioError(`Channel ${i}${where} has ${ch.length} samples; channel 0 has ${length}.`, {
        details: { ...details, expected: length, actual: ch.length },
      });
    }
  });
  if (length === 0 && !options.allowEmpty) {
    throw new InvalidAudioError(`Audio${where} has no samples.`, { details: { ...details, actual: 0 } });
  }
  if (options.checkFinite !== false) {
    channels.forEach((ch, c) => {
      const index = firstNonFinite(ch);
      if (index >= 0) {
        throw new NonFiniteError(
          `Audio${where} has a non-finite sample (${ch[index]}) at channel ${c}, index ${index}.`,
          {
            details: { ...details, channel: c, index, actual: ch[index] },
          },
        );
      }
    });
  }
}

/** Index of the first NaN or ±Infinity in `data`, or -1. */
export function firstNonFinite(data: ArrayLike<number>): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    // v - v is NaN exactly for NaN and ±Infinity; cheaper than Number.isFinite in hot loops.
    if (v - v !== 0) return i;
  }
  return -1;
}

/** Samples per channel. */
export function audioLength(audio: Audio): number {
  return audio.channels[0]?.length ?? 0;
}

/** Duration in seconds. */
export function audioDuration(audio: Audio): number {
  return audioLength(audio) / audio.sampleRate;
}

/**
 * Mean of the channels (librosa's `to_mono`). Returns the channel itself, uncopied, for mono input.
 * @example
 * ```ts
 * const mono = toMono(stereo); // Float32Array
 * ```
 */
export function toMono(audio: Audio): Float32Array {
  const { channels } = audio;
  if (channels.length === 1) return channels[0]!;
  const n = audioLength(audio);
  const out = new Float32Array(n);
  const acc = new Float64Array(n);
  for (const ch of channels) for (let i = 0; i < n; i++) acc[i]! += ch[i]!;
  const k = 1 / channels.length;
  for (let i = 0; i < n; i++) out[i] = acc[i]! * k;
  return out;
}
