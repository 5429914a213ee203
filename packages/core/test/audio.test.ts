import {
  assertAudio,
  audioDuration,
  createAudio,
  firstNonFinite,
  InvalidAudioError,
  NonFiniteError,
  toMono,
} from '@instr/core';
import { describe, expect, it } from 'vitest';

describe('Audio', () => {
  it('creates valid audio and reports duration', () => {
    const a = createAudio(22050, [new Float32Array(44100)]);
    expect(audioDuration(a)).toBe(2);
  });

  it('rejects absurd rates, no channels, unequal lengths and empty audio', () => {
    expect(() => createAudio(0, [new Float32Array(1)])).toThrow(InvalidAudioError);
    expect(() => createAudio(10_000_000, [new Float32Array(1)])).toThrow(InvalidAudioError);
    expect(() => createAudio(Number.NaN, [new Float32Array(1)])).toThrow(InvalidAudioError);
    expect(() => createAudio(16000, [])).toThrow(InvalidAudioError);
    expect(() => createAudio(16000, [new Float32Array(2), new Float32Array(3)])).toThrow(InvalidAudioError);
    expect(() => createAudio(16000, [new Float32Array(0)])).toThrow(InvalidAudioError);
    expect(createAudio(16000, [new Float32Array(0)], { allowEmpty: true }).channels).toHaveLength(1);
    expect(() => createAudio(16000, [[0, 1] as unknown as Float32Array])).toThrow(InvalidAudioError);
  });

  it('rejects NaN and Infinity and names the source and position', () => {
    const x = new Float32Array(10);
    x[7] = Number.POSITIVE_INFINITY;
    try {
      createAudio(16000, [new Float32Array(10), x], { source: 'song.wav' });
      expect.unreachable();
    } catch (e) {
      expect(NonFiniteError.isInstance(e)).toBe(true);
      const err = e as NonFiniteError;
      expect(err.message).toContain('song.wav');
      expect(err.details).toMatchObject({ channel: 1, index: 7, file: 'song.wav' });
    }
    expect(firstNonFinite([0, 1, Number.NaN])).toBe(2);
    expect(firstNonFinite([0, 1])).toBe(-1);
    const nan = new Float32Array([Number.NaN]);
    expect(() => assertAudio({ sampleRate: 8000, channels: [nan] }, { checkFinite: false })).not.toThrow();
  });

  it('downmixes by the mean of channels and passes mono through', () => {
    const l = new Float32Array([1, 0, -1]);
    const r = new Float32Array([0, 1, -1]);
    expect(Array.from(toMono({ sampleRate: 8000, channels: [l, r] }))).toEqual([0.5, 0.5, -1]);
    expect(toMono({ sampleRate: 8000, channels: [l] })).toBe(l);
  });
});
