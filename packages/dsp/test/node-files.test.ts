import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Audio, InstrError, IOError } from '@instr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio, encodeWav } from '../src/index.js';
import { readAudioFile, readAudioFileInfo, streamAudioFile, writeWavFile } from '../src/node/index.js';

const FIX = join(import.meta.dirname, 'fixtures', 'io');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'instr-io-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixtures = [
  'wav_u8_1ch.wav',
  'wav_s24le_6ch.wav',
  'wav_f32le_4ch.wav',
  'wav_mulaw_1ch.wav',
  'sine880_220_stereo_44100_s16.flac',
  'sine440_mono_48000_s24.flac',
  'sine440_mono_22050.mp3',
  'sine1000_1500_stereo_44100.ogg',
  'sine660_mono_48000.opus',
];

async function collect(it: AsyncIterable<Audio>): Promise<Audio[]> {
  const out: Audio[] = [];
  for await (const a of it) out.push(a);
  return out;
}

describe('readAudioFile / readAudioFileInfo / streamAudioFile on fixtures', () => {
  it.each(fixtures)('%s', async (name) => {
    const path = join(FIX, name);
    const audio = await readAudioFile(path);
    const fromBytes = await decodeAudio(readFileSync(path));
    expect(audio.sampleRate).toBe(fromBytes.sampleRate);
    expect(audio.channels.map((c) => Array.from(c))).toEqual(fromBytes.channels.map((c) => Array.from(c)));

    const info = await readAudioFileInfo(path);
    expect(info).toMatchObject({
      path,
      bytes: statSync(path).size,
      sampleRate: audio.sampleRate,
      channels: audio.channels.length,
      frames: audio.channels[0]!.length,
      method: 'header',
    });
    expect(info.duration).toBeCloseTo(audio.channels[0]!.length / audio.sampleRate, 12);

    const parts = await collect(streamAudioFile(path, { chunkSeconds: 0.07 }));
    const size = Math.round(0.07 * audio.sampleRate);
    expect(parts.slice(0, -1).every((p) => p.channels[0]!.length === size)).toBe(true);
    for (let c = 0; c < audio.channels.length; c++) {
      const joined = parts.flatMap((p) => Array.from(p.channels[c]!));
      expect(joined).toEqual(Array.from(audio.channels[c]!));
    }
  });

  it('identifies the format by content, whatever the extension says', async () => {
    const lying = join(dir, 'really-an-mp3.wav');
    writeFileSync(lying, readFileSync(join(FIX, 'sine440_mono_22050.mp3')));
    expect((await readAudioFileInfo(lying)).format).toBe('mp3');
    expect((await readAudioFile(lying)).sampleRate).toBe(22050);
  });

  it('offset/duration read only the requested WAV range', async () => {
    const path = join(FIX, 'wav_s16le_2ch.wav');
    const all = await readAudioFile(path);
    const part = await readAudioFile(path, { offset: 0.01, duration: 0.02, mono: true });
    expect(part.channels).toHaveLength(1);
    expect(part.channels[0]).toHaveLength(160);
    expect(part.channels[0]![0]).toBeCloseTo((all.channels[0]![80]! + all.channels[1]![80]!) / 2, 7);
  });

  it('sampleRate resamples on read, whole or streamed', async () => {
    const path = join(FIX, 'sine440_mono_48000_s24.flac');
    const audio = await readAudioFile(path, { sampleRate: 16000 });
    expect(audio.sampleRate).toBe(16000);
    expect(audio.channels[0]).toHaveLength(4000);
    const parts = await collect(streamAudioFile(path, { sampleRate: 16000, chunkSeconds: 0.1 }));
    expect(parts.map((p) => p.channels[0]!.length)).toEqual([1600, 1600, 800]);
    expect(parts.flatMap((p) => Array.from(p.channels[0]!))).toEqual(Array.from(audio.channels[0]!));
  });

  it('an MP3 without a Xing header is measured by decoding', async () => {
    const noXing = join(FIX, 'sine440_mono_22050_noxing.mp3');
    const info = await readAudioFileInfo(noXing);
    expect(info.method).toBe('decoded');
    expect(info.frames).toBe((await readAudioFile(noXing)).channels[0]!.length);
  });
});

describe('errors name the file', () => {
  it('missing file, directory, unreadable input → IOError with details.file', async () => {
    const missing = join(dir, 'nope.flac');
    for (const attempt of [
      () => readAudioFile(missing),
      () => readAudioFileInfo(missing),
      () => collect(streamAudioFile(missing)),
    ]) {
      const err = await attempt().catch((e: unknown) => e);
      expect(IOError.isInstance(err)).toBe(true);
      expect((err as IOError).message).toContain(missing);
      expect((err as IOError).message).toMatch(/no such file/);
      expect((err as IOError).details.file).toBe(missing);
    }
    await expect(readAudioFile(dir)).rejects.toSatisfy(
      (e: unknown) => IOError.isInstance(e) && e.message.includes('directory'),
    );
    await expect(readAudioFile('')).rejects.toSatisfy(IOError.isInstance);
  });

  it('corrupt content → the decoder’s typed error, naming the path', async () => {
    const cases: [string, Uint8Array][] = [
      ['empty.wav', new Uint8Array(0)],
      ['random.mp3', Uint8Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24)],
      ['cut.flac', readFileSync(join(FIX, 'sine880_220_stereo_44100_s16.flac')).subarray(0, 9000)],
    ];
    for (const [name, bytes] of cases) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const err = await readAudioFile(path).catch((e: unknown) => e);
      expect(InstrError.isInstance(err), String(err)).toBe(true);
      expect((err as InstrError).details.file).toBe(path);
      expect((err as Error).message).toContain(path);
    }
  });
});

describe('writeWavFile', () => {
  it('writes atomically (no temp file left) and round-trips', async () => {
    const audio = {
      sampleRate: 16000,
      channels: [Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10) * 0.5)],
    };
    const path = join(dir, 'out.wav');
    writeFileSync(path, 'old content');
    await writeWavFile(path, audio, { bitDepth: 32, float: true });
    expect(readdirSync(dir).filter((f) => f.includes('out.wav'))).toEqual(['out.wav']);
    const back = await readAudioFile(path);
    expect(Array.from(back.channels[0]!)).toEqual(Array.from(audio.channels[0]!));
    expect(new Uint8Array(readFileSync(path))).toEqual(encodeWav(audio, { bitDepth: 32, float: true }));
  });

  it('a missing folder → IOError naming the path, nothing left behind', async () => {
    const path = join(dir, 'no', 'such', 'dir', 'x.wav');
    const err = await writeWavFile(path, { sampleRate: 8000, channels: [new Float32Array(4)] }).catch(
      (e: unknown) => e,
    );
    expect(IOError.isInstance(err)).toBe(true);
    expect((err as IOError).details.file).toBe(path);
  });

  it('invalid audio is rejected before anything is written', async () => {
    const path = join(dir, 'nan.wav');
    await expect(
      writeWavFile(path, { sampleRate: 8000, channels: [new Float32Array([Number.NaN])] }),
    ).rejects.toThrow(/non-finite/);
    expect(readdirSync(dir).some((f) => f.includes('nan.wav'))).toBe(false);
  });
});

describe('streamAudioFile: bounded memory on a long file', () => {
  it('a 10-minute 44.1 kHz 16-bit WAV (53 MB) streams with retained memory far below its size', () => {
    const rate = 44100;
    const frames = rate * 600;
    const path = join(dir, 'long.wav');
    const header = encodeWav({ sampleRate: rate, channels: [new Float32Array(0)] });
    new DataView(header.buffer).setUint32(40, frames * 2, true);
    new DataView(header.buffer).setUint32(4, 36 + frames * 2, true);
    const fd = openSync(path, 'w');
    writeSync(fd, header);
    const block = new Int16Array(rate);
    for (let i = 0; i < rate; i++) block[i] = Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 10000);
    for (let s = 0; s < 600; s++) writeSync(fd, new Uint8Array(block.buffer));
    closeSync(fd);
    const size = statSync(path).size;
    const script = join(FIX, 'stream-memory.ts');
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', '--conditions=instr-source', '--import', 'tsx', script, path],
      { cwd: join(import.meta.dirname, '..'), encoding: 'utf8' },
    );
    const r = JSON.parse(out.trim().split('\n').pop()!) as { frames: number; maxPiece: number; peak: number };
    expect(r.frames).toBe(frames);
    expect(r.maxPiece).toBe(rate * 10);
    // One 10 s piece is 1.76 MB of float32; a few of those plus the 1 MiB read buffer are retained (~9 MB
    // measured), whatever the file length. The bound is generous: a third of the file.
    expect(r.peak).toBeLessThan(size / 3);
    console.log(
      `stream-memory: file ${(size / 1e6).toFixed(1)} MB, peak retained ${(r.peak / 1e6).toFixed(2)} MB`,
    );
  });
});
