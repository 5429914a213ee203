import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Audio, InstrError } from '@instr/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAudio, decodeAudioStream } from '../src/index.js';

const FIX = join(import.meta.dirname, 'fixtures', 'io');
const files = [
  'wav_s16le_2ch.wav',
  'wav_f32le_4ch.wav',
  'wav_rf64_s16le_1ch.wav',
  'sine440_mono_48000_s24.flac',
  'sine440_mono_22050.mp3',
  'sine1000_1500_stereo_44100.ogg',
  'sine660_mono_48000.opus',
];

/** A mutation of a valid file: truncation, bit flips, or a run of overwritten bytes. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    kind: fc.constant('flip' as const),
    flips: fc.array(
      fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.integer({ min: 0, max: 7 })),
      {
        minLength: 1,
        maxLength: 8,
      },
    ),
  }),
  fc.record({
    kind: fc.constant('overwrite' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  }),
  // Mostly the header: the first 64 bytes.
  fc.record({
    kind: fc.constant('header' as const),
    at: fc.integer({ min: 0, max: 63 }),
    value: fc.integer({ min: 0, max: 255 }),
  }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(src: Uint8Array, m: Mutation) {
  const b = src.slice();
  switch (m.kind) {
    case 'truncate':
      return b.subarray(0, Math.floor(m.at * b.length));
    case 'flip':
      for (const [pos, bit] of m.flips) b[Math.floor(pos * b.length)]! ^= 1 << bit;
      return b;
    case 'overwrite':
      b.set(m.bytes.subarray(0, b.length - Math.floor(m.at * b.length)), Math.floor(m.at * b.length));
      return b;
    case 'header':
      b[m.at % b.length] = m.value;
      return b;
  }
}

function checkAudio(a: Audio) {
  expect(a.channels.length).toBeGreaterThan(0);
  const n = a.channels[0]!.length;
  expect(n).toBeGreaterThan(0);
  for (const ch of a.channels) {
    expect(ch.length).toBe(n);
    for (let i = 0; i < ch.length; i++)
      if (!Number.isFinite(ch[i]!)) throw new Error(`non-finite sample at ${i}`);
  }
}

/** Resolves to 'ok' or 'instr-error'; anything else (a crash, a plain Error, a hang) fails the property. */
async function outcome(p: Promise<Audio>): Promise<'ok' | 'instr-error'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('decode took more than 10 s')), 10_000);
  });
  try {
    const audio = await Promise.race([p, timeout]);
    checkAudio(audio);
    return 'ok';
  } catch (e) {
    if (InstrError.isInstance(e)) return 'instr-error';
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

describe('fuzz: mutated valid files decode or throw an InstrError, in bounded time', () => {
  it.each(files)('%s', async (file) => {
    const original = new Uint8Array(readFileSync(join(FIX, file)));
    const seen = { ok: 0, 'instr-error': 0 };
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const bytes = mutate(original, m);
        seen[await outcome(decodeAudio(bytes, { source: file }))]++;
      }),
      { numRuns: 60, seed: 20261122 },
    );
    expect(seen.ok + seen['instr-error']).toBe(60);
  });

  it('random bytes, and random bytes behind each magic number', async () => {
    const magics = [
      '',
      'RIFF\0\0\0\0WAVE',
      'fLaC',
      'OggS',
      'ID3\x03\0\0\0\0\0\0',
      '\xff\xfb\x90\x00',
      'RF64\xff\xff\xff\xffWAVE',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...magics),
        fc.uint8Array({ minLength: 0, maxLength: 3000 }),
        async (magic, tail) => {
          const bytes = new Uint8Array(magic.length + tail.length);
          bytes.set([...magic].map((c) => c.charCodeAt(0)));
          bytes.set(tail, magic.length);
          await outcome(decodeAudio(bytes));
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });

  it('streaming decode of mutated files also ends in audio or an InstrError', async () => {
    const original = new Uint8Array(readFileSync(join(FIX, 'sine880_220_stereo_44100_s16.flac')));
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const bytes = mutate(original, m);
        async function* chunks() {
          for (let i = 0; i < bytes.length; i += 1000) yield bytes.subarray(i, i + 1000);
        }
        const collect = async (): Promise<Audio> => {
          let last: Audio | undefined;
          for await (const piece of decodeAudioStream(chunks(), { chunkSeconds: 0.1 })) {
            checkAudio(piece);
            last = piece;
          }
          return last!;
        };
        await outcome(collect());
      }),
      { numRuns: 40, seed: 3 },
    );
  });
});
