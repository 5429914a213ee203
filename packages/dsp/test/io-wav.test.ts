import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AudioDecodeError, InstrError, NonFiniteError, UnsupportedFormatError } from '@instr/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAudio, encodeWav, readAudioInfo } from '../src/index.js';
import { buildWav, floatBytes, fourBytes, intBytes } from './fixtures/io/wav-builder.js';

const FIX = join(import.meta.dirname, 'fixtures', 'io');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIX, name)));
const f32le = (name: string) => {
  const b = readFileSync(join(FIX, name));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const interleave = (channels: readonly Float32Array[]) => {
  const n = channels[0]!.length;
  const out = new Float32Array(n * channels.length);
  channels.forEach((ch, c) => {
    for (let i = 0; i < n; i++) out[i * channels.length + c] = ch[i]!;
  });
  return out;
};

describe('decodeAudio: WAV written by ffmpeg in every sample format', () => {
  const cases = [
    ['u8', 1],
    ['s16le', 2],
    ['s24le', 1],
    ['s32le', 2],
    ['f32le', 1],
    ['f64le', 2],
    ['mulaw', 1],
    ['alaw', 2],
    ['s16le', 3], // WAVE_FORMAT_EXTENSIBLE
    ['s24le', 6], // WAVE_FORMAT_EXTENSIBLE
    ['f32le', 4], // WAVE_FORMAT_EXTENSIBLE float
  ] as const;
  it.each(cases)('pcm_%s, %i channel(s) equals ffmpeg’s float32 decode exactly', async (fmt, ch) => {
    const name = `wav_${fmt}_${ch}ch`;
    const audio = await decodeAudio(fixture(`${name}.wav`), { source: name });
    expect(audio.sampleRate).toBe(8000);
    expect(audio.channels).toHaveLength(ch);
    expect(audio.channels[0]).toHaveLength(400);
    const ref = f32le(`${name}.f32le`);
    expect(Array.from(interleave(audio.channels))).toEqual(Array.from(ref));
  });

  it('reads RF64 and skips a LIST chunk', async () => {
    const ref = await decodeAudio(fixture('wav_s16le_2ch.wav'));
    for (const name of ['wav_rf64_s16le_1ch.wav', 'wav_list_s16le_1ch.wav']) {
      const audio = await decodeAudio(fixture(name));
      expect(audio.channels).toHaveLength(1);
      expect(Array.from(audio.channels[0]!)).toEqual(Array.from(ref.channels[0]!));
    }
  });

  it('mono: averages the channels', async () => {
    const stereo = await decodeAudio(fixture('wav_s16le_2ch.wav'));
    const mono = await decodeAudio(fixture('wav_s16le_2ch.wav'), { mono: true });
    expect(mono.channels).toHaveLength(1);
    expect(mono.channels[0]![7]).toBeCloseTo((stereo.channels[0]![7]! + stereo.channels[1]![7]!) / 2, 7);
  });
});

describe('decodeAudio: hand-built WAV edge cases', () => {
  it('scales 8-bit unsigned, 16/24/32-bit signed and float samples like libsndfile', async () => {
    const cases: [number, number[], Uint8Array, number[]][] = [
      [8, [0, 128, 255], intBytes([0, 128, 255], 1), [-1, 0, 127 / 128]],
      [16, [], intBytes([-32768, 0, 32767, -1], 2), [-1, 0, 32767 / 32768, -1 / 32768]],
      [24, [], intBytes([-8388608, 1, 8388607], 3), [-1, 1 / 8388608, 8388607 / 8388608]],
      [
        32,
        [],
        intBytes([-2147483648, 65536, 2147483647], 4),
        [-1, 65536 / 2147483648, Math.fround(2147483647 / 2147483648)],
      ],
    ];
    for (const [bits, , data, expected] of cases) {
      const audio = await decodeAudio(buildWav({ bitsPerSample: bits, data }));
      expect(Array.from(audio.channels[0]!)).toEqual(expected.map(Math.fround));
    }
    const fl = await decodeAudio(
      buildWav({ formatTag: 3, bitsPerSample: 32, data: floatBytes([0.5, -2, 1e-8], 4) }),
    );
    expect(Array.from(fl.channels[0]!)).toEqual([0.5, -2, Math.fround(1e-8)]);
    const f64 = await decodeAudio(
      buildWav({ formatTag: 3, bitsPerSample: 64, data: floatBytes([0.1, -0.25], 8) }),
    );
    expect(Array.from(f64.channels[0]!)).toEqual([Math.fround(0.1), -0.25]);
  });

  it('de-interleaves any channel count', async () => {
    for (const channels of [1, 2, 3, 5, 8, 17]) {
      const frames = 5;
      const values = Array.from(
        { length: frames * channels },
        (_, i) => (i % channels) * 1000 + Math.floor(i / channels),
      );
      const audio = await decodeAudio(buildWav({ channels, data: intBytes(values, 2) }));
      expect(audio.channels).toHaveLength(channels);
      for (let c = 0; c < channels; c++) {
        expect(Array.from(audio.channels[c]!).map((v) => Math.round(v * 32768))).toEqual(
          Array.from({ length: frames }, (_, i) => c * 1000 + i),
        );
      }
    }
  });

  it('WAVE_FORMAT_EXTENSIBLE: PCM, float, and 20 valid bits in a 24-bit container', async () => {
    const pcm = await decodeAudio(
      buildWav({ extensibleTag: 1, channels: 2, bitsPerSample: 16, data: intBytes([100, -100], 2) }),
    );
    expect(pcm.channels.map((c) => c[0]! * 32768)).toEqual([100, -100]);
    const fl = await decodeAudio(
      buildWav({ extensibleTag: 3, bitsPerSample: 32, data: floatBytes([0.75], 4) }),
    );
    expect(fl.channels[0]![0]).toBe(0.75);
    const v20 = await decodeAudio(
      buildWav({
        extensibleTag: 1,
        bitsPerSample: 24,
        validBits: 20,
        data: intBytes([0x7ffff0, -0x800000], 3),
      }),
    );
    expect(v20.channels[0]![1]).toBe(-1);
    const info = await readAudioInfo(
      buildWav({ extensibleTag: 1, bitsPerSample: 24, validBits: 20, data: intBytes([0], 3) }),
    );
    expect(info).toMatchObject({ format: 'wav', bitDepth: 20, encoding: 'pcm', frames: 1 });
  });

  it('skips unknown chunks, with and without the pad byte after odd sizes', async () => {
    const data = intBytes([1000, -1000, 2000], 2);
    for (const noPad of [false, true]) {
      const wav = buildWav({
        data,
        noPad,
        before: [{ id: 'JUNK', body: new Uint8Array(7) }],
        between: [
          { id: 'LIST', body: fourBytes('INFOabc') },
          { id: 'bext', body: new Uint8Array(1) },
        ],
        after: [{ id: 'id3 ', body: new Uint8Array(33) }],
      });
      const audio = await decodeAudio(wav);
      expect(Array.from(audio.channels[0]!).map((v) => v * 32768)).toEqual([1000, -1000, 2000]);
    }
  });

  it('tolerates RIFF size lies and streamed-WAV data sizes (0, 0xFFFFFFFF)', async () => {
    const data = intBytes([1, 2, 3, 4], 2);
    for (const riffSize of [0, 4, 0xffffffff, 10_000_000]) {
      const audio = await decodeAudio(buildWav({ data, riffSize }));
      expect(audio.channels[0]).toHaveLength(4);
    }
    for (const dataSize of [0, 0xffffffff]) {
      const audio = await decodeAudio(buildWav({ data, dataSize }));
      expect(audio.channels[0]).toHaveLength(4);
    }
    // A data size smaller than what follows: trailing bytes are another (unnamed) chunk, ignored.
    const short = await decodeAudio(buildWav({ data, dataSize: 4 }));
    expect(short.channels[0]).toHaveLength(2);
    // A trailing partial frame is dropped.
    const odd = await decodeAudio(buildWav({ channels: 2, data: intBytes([1, 2, 3], 2) }));
    expect(odd.channels[0]).toHaveLength(1);
  });

  it('truncated data: throws unless allowTruncated', async () => {
    const full = buildWav({ data: intBytes([1, 2, 3, 4, 5, 6], 2) });
    const cut = full.subarray(0, full.length - 5);
    await expect(decodeAudio(cut, { source: 'cut.wav' })).rejects.toThrow(
      /truncated.*12 bytes.*7 follow.*cut\.wav/,
    );
    const some = await decodeAudio(cut, { allowTruncated: true });
    expect(some.channels[0]).toHaveLength(3);
  });

  const bad: [string, Uint8Array, RegExp, string][] = [
    [
      '0 channels',
      buildWav({ channels: 0, blockAlign: 2, data: intBytes([1], 2) }),
      /0 channels/,
      'AUDIO_DECODE',
    ],
    [
      'sample rate 0',
      buildWav({ sampleRate: 0, data: intBytes([1], 2) }),
      /sample rate is 0 Hz/,
      'AUDIO_DECODE',
    ],
    [
      'sample rate 10 MHz',
      buildWav({ sampleRate: 10_000_000, data: intBytes([1], 2) }),
      /10000000 Hz/,
      'AUDIO_DECODE',
    ],
    [
      'block align mismatch',
      buildWav({ channels: 2, blockAlign: 3, data: intBytes([1, 2], 2) }),
      /block align is 3/,
      'AUDIO_DECODE',
    ],
    [
      'block align 0',
      buildWav({ blockAlign: 0, data: intBytes([1], 2) }),
      /block align is 0/,
      'AUDIO_DECODE',
    ],
    [
      'MS ADPCM',
      buildWav({ formatTag: 2, bitsPerSample: 4, blockAlign: 1, data: new Uint8Array(8) }),
      /0x0002 \(Microsoft ADPCM\)/,
      'UNSUPPORTED_FORMAT',
    ],
    [
      'IMA ADPCM',
      buildWav({ formatTag: 0x11, bitsPerSample: 4, blockAlign: 1, data: new Uint8Array(8) }),
      /IMA ADPCM/,
      'UNSUPPORTED_FORMAT',
    ],
    [
      'MP3 in WAV',
      buildWav({ formatTag: 0x55, bitsPerSample: 0, blockAlign: 1, data: new Uint8Array(8) }),
      /MP3/,
      'UNSUPPORTED_FORMAT',
    ],
    [
      '12-bit float',
      buildWav({ formatTag: 3, bitsPerSample: 16, data: new Uint8Array(8) }),
      /float with 16 bits/,
      'UNSUPPORTED_FORMAT',
    ],
    [
      '40-bit PCM',
      buildWav({ bitsPerSample: 40, data: new Uint8Array(10) }),
      /40 bits/,
      'UNSUPPORTED_FORMAT',
    ],
    [
      'odd GUID',
      buildWav({ extensibleTag: 1, guidTail: new Array(12).fill(7), data: new Uint8Array(2) }),
      /GUID/,
      'UNSUPPORTED_FORMAT',
    ],
    [
      'short fmt',
      buildWav({ data: new Uint8Array(2), fmtSize: 8 }),
      /'fmt ' chunk is 8 bytes/,
      'AUDIO_DECODE',
    ],
    [
      'no data chunk',
      buildWav({ data: new Uint8Array(0) }).subarray(0, 36),
      /no 'data' chunk/,
      'AUDIO_DECODE',
    ],
    ['zero samples', buildWav({ data: new Uint8Array(0) }), /no samples/, 'INVALID_AUDIO'],
    ['header only', fourBytes('RIFF\0\0\0\0WAVE'), /no 'fmt ' chunk/, 'AUDIO_DECODE'],
    [
      'chunk past the end',
      buildWav({ data: new Uint8Array(2), before: [{ id: 'JUNK', body: new Uint8Array(4) }] }).map((b, i) =>
        i === 16 ? 0xff : b,
      ),
      /runs past the end/,
      'AUDIO_DECODE',
    ],
  ];
  it.each(bad)('%s → typed error naming the file', async (_, bytes, message, code) => {
    const err = await decodeAudio(bytes, { source: 'bad.wav' }).catch((e: unknown) => e);
    expect(InstrError.isInstance(err)).toBe(true);
    expect((err as InstrError).code).toBe(code);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain('bad.wav');
    expect((err as InstrError).details.file).toBe('bad.wav');
  });

  it('NaN / Inf in float WAV → NonFiniteError with channel and frame', async () => {
    for (const [bad, bits] of [
      [Number.NaN, 4],
      [Number.POSITIVE_INFINITY, 4],
      [Number.NEGATIVE_INFINITY, 8],
      [1e300, 8], // overflows float32
    ] as const) {
      const wav = buildWav({
        formatTag: 3,
        channels: 2,
        bitsPerSample: bits * 8,
        data: floatBytes([0, 0, 0.5, bad, 0, 0], bits),
      });
      const err = await decodeAudio(wav, { source: 'nan.wav' }).catch((e: unknown) => e);
      expect(NonFiniteError.isInstance(err)).toBe(true);
      expect((err as NonFiniteError).details).toMatchObject({ file: 'nan.wav', channel: 1, index: 1 });
    }
  });

  it('unsupported and unknown containers', async () => {
    await expect(decodeAudio(fourBytes('RIFX\0\0\0\0WAVE'))).rejects.toSatisfy(
      UnsupportedFormatError.isInstance,
    );
    await expect(decodeAudio(fourBytes('FORM\0\0\0\0AIFF'), { source: 'x.aiff' })).rejects.toThrow(
      /x\.aiff is AIFF/,
    );
    await expect(decodeAudio(fourBytes('\0\0\0\x20ftypM4A '))).rejects.toThrow(/MP4/);
    await expect(decodeAudio(new Uint8Array([0xff, 0xf1, 0x50, 0x80, 0, 0, 0]))).rejects.toThrow(/AAC/);
    await expect(decodeAudio(fourBytes('hello, world'), { source: 'a.wav' })).rejects.toThrow(
      /a\.wav is not a recognised audio format: it starts with 68 65 6c/,
    );
    await expect(decodeAudio(new Uint8Array(0), { source: 'empty.wav' })).rejects.toSatisfy(
      (e: unknown) => AudioDecodeError.isInstance(e) && /empty\.wav is empty/.test(e.message),
    );
    await expect(decodeAudio(new Uint8Array(2))).rejects.toSatisfy(UnsupportedFormatError.isInstance);
  });

  it('offset and duration select frames like librosa.load', async () => {
    const values = Array.from({ length: 8000 }, (_, i) => i - 4000);
    const wav = buildWav({ data: intBytes(values, 2) });
    const part = await decodeAudio(wav, { offset: 0.1, duration: 0.05 });
    expect(part.channels[0]).toHaveLength(400);
    expect(part.channels[0]![0]! * 32768).toBe(800 - 4000);
    const tail = await decodeAudio(wav, { offset: 0.99, duration: 10 });
    expect(tail.channels[0]).toHaveLength(80);
    await expect(decodeAudio(wav, { offset: 1 })).rejects.toThrow(/offset 1 s is at or past the end/);
    await expect(decodeAudio(wav, { offset: -1 })).rejects.toThrow(/offset must be/);
    await expect(decodeAudio(wav, { duration: 0 })).rejects.toThrow(/duration must be/);
  });
});

describe('encodeWav', () => {
  const audioArb = fc
    .record({
      channels: fc.integer({ min: 1, max: 4 }),
      frames: fc.integer({ min: 1, max: 64 }),
      rate: fc.constantFrom(8000, 22050, 44100, 96000),
    })
    .chain(({ channels, frames, rate }) =>
      fc.record({
        sampleRate: fc.constant(rate),
        channels: fc.array(
          fc.float32Array({
            minLength: frames,
            maxLength: frames,
            noNaN: true,
            noDefaultInfinity: true,
            min: -1.5,
            max: 1.5,
          }),
          {
            minLength: channels,
            maxLength: channels,
          },
        ),
      }),
    );

  it('float32 round-trips bit-exactly (property)', async () => {
    await fc.assert(
      fc.asyncProperty(audioArb, async (audio) => {
        const back = await decodeAudio(encodeWav(audio, { bitDepth: 32, float: true }));
        expect(back.sampleRate).toBe(audio.sampleRate);
        expect(back.channels.map((c) => Array.from(c))).toEqual(audio.channels.map((c) => Array.from(c)));
      }),
      { numRuns: 60 },
    );
  });

  it.each([16, 24, 32] as const)(
    '%i-bit: decode∘encode is quantisation, encode∘decode is the identity (property)',
    async (bitDepth) => {
      const scale = 2 ** (bitDepth - 1);
      await fc.assert(
        fc.asyncProperty(audioArb, async (audio) => {
          const wav = encodeWav(audio, { bitDepth });
          const back = await decodeAudio(wav);
          back.channels.forEach((ch, c) => {
            ch.forEach((v, i) => {
              const x = Math.min(Math.max(audio.channels[c]![i]!, -1), (scale - 1) / scale);
              expect(Math.abs(v - x)).toBeLessThanOrEqual(0.5 / scale + 1e-7 * Math.abs(x));
            });
          });
          expect(encodeWav(back, { bitDepth })).toEqual(wav);
        }),
        { numRuns: 40 },
      );
    },
  );

  it('writes headers ffmpeg/libsndfile read: PCM tag for ≤ 2 channels, EXTENSIBLE above, fact for float', () => {
    const mono = { sampleRate: 16000, channels: [new Float32Array([0, 0.5])] };
    const w16 = encodeWav(mono);
    const v = new DataView(w16.buffer);
    expect(new TextDecoder().decode(w16.subarray(0, 16))).toBe('RIFF\u0028\0\0\0WAVEfmt ');
    expect([
      v.getUint16(20, true),
      v.getUint16(22, true),
      v.getUint32(24, true),
      v.getUint16(34, true),
    ]).toEqual([1, 1, 16000, 16]);
    expect(w16.length).toBe(44 + 4);
    const quad = encodeWav(
      { sampleRate: 16000, channels: [0, 1, 2, 3].map(() => new Float32Array(1)) },
      { bitDepth: 24 },
    );
    expect(new DataView(quad.buffer).getUint16(20, true)).toBe(0xfffe);
    const fl = encodeWav(mono, { bitDepth: 32, float: true });
    expect(new TextDecoder().decode(fl.subarray(38, 42))).toBe('fact');
  });

  it('clips out-of-range samples and rounds ties to even', async () => {
    const audio = {
      sampleRate: 8000,
      channels: [new Float32Array([2, -2, 1, -1, 0.5 / 32768, 1.5 / 32768])],
    };
    const back = await decodeAudio(encodeWav(audio));
    expect(Array.from(back.channels[0]!).map((x) => x * 32768)).toEqual([32767, -32768, 32767, -32768, 0, 2]);
  });

  it('rejects bad options and bad audio with typed errors', () => {
    const audio = { sampleRate: 8000, channels: [new Float32Array(4)] };
    expect(() => encodeWav(audio, { bitDepth: 8 as 16 })).toThrow(/bitDepth must be 16, 24 or 32, got 8/);
    expect(() => encodeWav(audio, { bitDepth: 16, float: true })).toThrow(/float output needs bitDepth 32/);
    expect(() => encodeWav({ sampleRate: 8000, channels: [new Float32Array([Number.NaN])] })).toThrow(
      NonFiniteError,
    );
    expect(() => encodeWav({ sampleRate: 5, channels: [new Float32Array(1)] })).toThrow(/Sample rate 5 Hz/);
    expect(() => encodeWav({ sampleRate: 8000.5, channels: [new Float32Array(1)] })).toThrow(
      /integer sample rate/,
    );
    const many = Array.from({ length: 20000 }, () => new Float32Array(1));
    expect(() => encodeWav({ sampleRate: 8000, channels: many }, { bitDepth: 32 })).toThrow(
      /65535-byte frame/,
    );
  });
});
