import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Audio } from '@instr/core';
import { describe, expect, it } from 'vitest';
import { decodeAudio, decodeAudioStream, resampleAudio } from '../src/index.js';

const FIX = join(import.meta.dirname, 'fixtures', 'io');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIX, name)));

/** Yields `bytes` in pieces of pseudo-random sizes between 1 and `max` bytes. */
async function* pieces(bytes: Uint8Array, max: number, seed = 1): AsyncGenerator<Uint8Array> {
  let s = seed;
  for (let i = 0; i < bytes.length; ) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const n = 1 + (s % max);
    yield bytes.subarray(i, i + n);
    i += n;
  }
}

async function collect(it: AsyncIterable<Audio>): Promise<Audio[]> {
  const out: Audio[] = [];
  for await (const a of it) out.push(a);
  return out;
}

function concat(parts: Audio[]): Float32Array[] {
  return parts[0]!.channels.map((_, c) => {
    const n = parts.reduce((k, p) => k + p.channels[c]!.length, 0);
    const out = new Float32Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(p.channels[c]!, o);
      o += p.channels[c]!.length;
    }
    return out;
  });
}

describe('decodeAudioStream', () => {
  const files = [
    'wav_s24le_6ch.wav',
    'wav_f64le_2ch.wav',
    'wav_rf64_s16le_1ch.wav',
    'sine880_220_stereo_44100_s16.flac',
    'sine440_mono_22050.mp3',
    'sine1000_1500_stereo_44100.ogg',
    'sine660_mono_48000.opus',
  ];
  it.each(files)('%s: pieces concatenate to the whole-file decode, each chunkSeconds long', async (file) => {
    const bytes = fixture(file);
    const whole = await decodeAudio(bytes);
    for (const [max, chunkSeconds] of [
      [7, 0.01],
      [1000, 0.1],
      [1 << 20, 0.3],
    ] as const) {
      const parts = await collect(decodeAudioStream(pieces(bytes, max), { chunkSeconds }));
      const size = Math.round(chunkSeconds * whole.sampleRate);
      parts.forEach((p, i) => {
        expect(p.sampleRate).toBe(whole.sampleRate);
        if (i < parts.length - 1) expect(p.channels[0]).toHaveLength(size);
        else expect(p.channels[0]!.length).toBeLessThanOrEqual(size);
      });
      const joined = concat(parts);
      expect(joined).toHaveLength(whole.channels.length);
      joined.forEach((ch, c) => {
        expect(Array.from(ch)).toEqual(Array.from(whole.channels[c]!));
      });
    }
  });

  it('accepts a web ReadableStream and applies mono, offset and duration like decodeAudio', async () => {
    const bytes = fixture('sine1000_1500_stereo_44100.ogg');
    const options = { mono: true, offset: 0.2, duration: 0.5 };
    const whole = await decodeAudio(bytes, options);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 500) controller.enqueue(bytes.slice(i, i + 500));
        controller.close();
      },
    });
    const parts = await collect(decodeAudioStream(stream, { ...options, chunkSeconds: 0.15 }));
    expect(parts.every((p) => p.channels.length === 1)).toBe(true);
    expect(Array.from(concat(parts)[0]!)).toEqual(Array.from(whole.channels[0]!));
  });

  it('a WAV with a huge unknown chunk before the data streams through', async () => {
    const wav = fixture('wav_s16le_2ch.wav');
    // Insert a 300 KB 'junk' chunk after the fmt chunk (fmt ends at 12 + 8 + 16).
    const junk = new Uint8Array(8 + 300_000);
    junk.set([0x6a, 0x75, 0x6e, 0x6b]);
    new DataView(junk.buffer).setUint32(4, 300_000, true);
    const big = new Uint8Array(wav.length + junk.length);
    big.set(wav.subarray(0, 36));
    big.set(junk, 36);
    big.set(wav.subarray(36), 36 + junk.length);
    const whole = await decodeAudio(wav);
    const parts = await collect(decodeAudioStream(pieces(big, 4096), { chunkSeconds: 0.02 }));
    expect(Array.from(concat(parts)[1]!)).toEqual(Array.from(whole.channels[1]!));
  });

  it('errors: late truncation is thrown after the good pieces; bad options up front', async () => {
    const bytes = fixture('sine880_220_stereo_44100_s16.flac');
    const cut = bytes.subarray(0, Math.floor(bytes.length * 0.8));
    const got: Audio[] = [];
    await expect(
      (async () => {
        for await (const p of decodeAudioStream(pieces(cut, 4096), {
          chunkSeconds: 0.05,
          source: 'cut.flac',
        }))
          got.push(p);
      })(),
    ).rejects.toThrow(/cut\.flac/);
    expect(got.length).toBeGreaterThan(0);
    await expect(collect(decodeAudioStream(pieces(bytes, 10), { chunkSeconds: 0 }))).rejects.toThrow(
      /chunkSeconds must be/,
    );
    await expect(collect(decodeAudioStream(pieces(new Uint8Array(0), 10)))).rejects.toThrow(/empty/);
    await expect(collect(decodeAudioStream({} as AsyncIterable<Uint8Array>))).rejects.toThrow(
      /AsyncIterable/,
    );
  });

  it('stopping early releases the decoder (no unhandled errors, next decode works)', async () => {
    const bytes = fixture('sine660_mono_48000.opus');
    for await (const p of decodeAudioStream(pieces(bytes, 512), { chunkSeconds: 0.05 })) {
      expect(p.channels[0]).toHaveLength(2400);
      break;
    }
    const again = await decodeAudio(bytes);
    expect(again.channels[0]).toHaveLength(48000);
  });
});

describe('sampleRate: resampling on decode', () => {
  it.each([
    ['sine880_220_stereo_44100_s16.flac', 16000, false],
    ['sine1000_1500_stereo_44100.ogg', 22050, true],
    ['wav_s24le_6ch.wav', 44100, false],
    ['sine660_mono_48000.opus', 16000, true],
  ] as const)(
    '%s → %i Hz (mono %s): equals resampleAudio of the decode, streamed or whole',
    async (file, rate, mono) => {
      const bytes = fixture(file);
      const native = await decodeAudio(bytes, { mono, offset: 0.01, duration: 0.2 });
      const expected = resampleAudio(native, rate);
      const whole = await decodeAudio(bytes, { mono, offset: 0.01, duration: 0.2, sampleRate: rate });
      expect(whole.sampleRate).toBe(rate);
      expect(whole.channels).toHaveLength(expected.channels.length);
      expect(whole.channels[0]).toHaveLength(
        Math.ceil((native.channels[0]!.length * rate) / native.sampleRate),
      );
      whole.channels.forEach((ch, c) => {
        expect(Array.from(ch)).toEqual(Array.from(expected.channels[c]!));
      });
      const parts = await collect(
        decodeAudioStream(pieces(bytes, 700), {
          mono,
          offset: 0.01,
          duration: 0.2,
          sampleRate: rate,
          chunkSeconds: 0.03,
        }),
      );
      expect(parts.slice(0, -1).every((p) => p.channels[0]!.length === Math.round(0.03 * rate))).toBe(true);
      concat(parts).forEach((ch, c) => {
        expect(Array.from(ch)).toEqual(Array.from(whole.channels[c]!));
      });
    },
  );

  it('rejects absurd target rates', async () => {
    const bytes = fixture('wav_u8_1ch.wav');
    await expect(decodeAudio(bytes, { sampleRate: 0 })).rejects.toThrow(/sampleRate must be a rate in Hz/);
    await expect(decodeAudio(bytes, { sampleRate: 1e7 })).rejects.toThrow(/sampleRate must be a rate in Hz/);
  });
});
