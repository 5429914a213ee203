import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir, sharedPath } from '@instr/test-utils';
import { describe, expect, it } from 'vitest';
import { readAudioFile, readAudioFileInfo, streamAudioFile } from '../src/node/index.js';

interface Golden {
  sampleRate: number;
  channels: number;
  frames: number;
  sha256: string;
  first: number[];
  rms: number[];
}
const golden = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'io', 'shared_flac_golden.json'), 'utf8'),
) as Record<string, Golden>;

/** Interleaved little-endian int16 bytes of decoded 16-bit audio (exact: samples are k / 32768). */
function int16Bytes(channels: readonly Float32Array[]): Uint8Array {
  const n = channels[0]!.length;
  const out = new Int16Array(n * channels.length);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < channels.length; c++) out[i * channels.length + c] = channels[c]![i]! * 32768;
  return new Uint8Array(out.buffer);
}

describe.skipIf(!sharedDir)(
  'real FLAC files from shared/data match ffmpeg’s decode (skipped: shared/ is absent)',
  () => {
    it.each(Object.keys(golden))('%s', async (rel) => {
      const g = golden[rel]!;
      const path = sharedPath('data', rel);
      const audio = await readAudioFile(path);
      expect(audio.sampleRate).toBe(g.sampleRate);
      expect(audio.channels).toHaveLength(g.channels);
      expect(audio.channels[0]).toHaveLength(g.frames);
      for (const ch of audio.channels)
        for (const v of ch.subarray(0, 1000)) expect(Number.isInteger(v * 32768)).toBe(true);
      expect(Array.from(audio.channels[0]!.subarray(0, 32)).map((v) => v * 32768)).toEqual(g.first);
      expect(createHash('sha256').update(int16Bytes(audio.channels)).digest('hex')).toBe(g.sha256);
      audio.channels.forEach((ch, c) => {
        let s = 0;
        for (const v of ch) s += v * v;
        expect(Math.sqrt(s / ch.length)).toBeCloseTo(g.rms[c]!, 9);
      });
      const info = await readAudioFileInfo(path);
      expect(info).toMatchObject({
        format: 'flac',
        sampleRate: g.sampleRate,
        channels: g.channels,
        frames: g.frames,
        bitDepth: 16,
      });
    });

    it('streaming a real file gives the same samples', async () => {
      const rel = 'dev/clips/andabi__dataset__mir-1k__Wavfile__bobon_1_02.flac';
      const path = sharedPath('data', rel);
      const whole = await readAudioFile(path);
      const parts: Float32Array[] = [];
      for await (const p of streamAudioFile(path, { chunkSeconds: 1 })) parts.push(p.channels[0]!);
      const n = parts.reduce((k, p) => k + p.length, 0);
      expect(n).toBe(golden[rel]!.frames);
      let o = 0;
      for (const p of parts) {
        expect(Array.from(p)).toEqual(Array.from(whole.channels[0]!.subarray(o, o + p.length)));
        o += p.length;
      }
    });
  },
);
