import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAudio,
  InvalidArgumentError,
  InvalidAudioError,
  IOError,
  ModelError,
  NonFiniteError,
  Rng,
  UnknownInstrumentError,
} from '@instr/core';
import { writeWavFile } from '@instr/dsp/node';
import {
  type ClassificationResult,
  type ClassifyOptions,
  classifyEnsemble,
  loadClassifier,
  readModelMetadata,
  StreamingClassifier,
} from '@instr/infer';
import { describe, expect, it } from 'vitest';
import { synthClip } from '../scripts/make-test-model.js';

const modelPath = join(__dirname, 'fixtures', 'tiny-model.onnx');
const SR = 16000;

/** `seconds` of synthetic audio at `rate` with the given instruments (tone, noise, click). */
function clip(labels: boolean[], seconds: number, seed: number, rate = SR) {
  return createAudio(rate, [synthClip(new Rng(seed), labels, rate, seconds)]);
}

describe('loadClassifier and classify (small trained test model)', () => {
  it('reads the model metadata and describes the model', async () => {
    const c = await loadClassifier(modelPath);
    expect(c.describe()).toMatchObject({
      name: 'instr-test-tiny',
      instruments: ['tone', 'noise', 'click'],
      sampleRate: 16000,
    });
  });

  it('recognises which synthetic instruments play', async () => {
    const c = await loadClassifier(modelPath);
    const cases: [boolean[], string[]][] = [
      [[true, false, false], ['tone']],
      [[false, true, false], ['noise']],
      [[false, false, true], ['click']],
      [
        [true, false, true],
        ['tone', 'click'],
      ],
    ];
    let correct = 0;
    let total = 0;
    for (const [labels, expected] of cases) {
      for (let seed = 100; seed < 105; seed++) {
        const r = await c.classify(clip(labels, 2, seed));
        total++;
        if (JSON.stringify(r.labels) === JSON.stringify(expected)) correct++;
      }
    }
    expect(correct / total).toBeGreaterThanOrEqual(0.8);
  });

  it('returns a timeline of windows and honours window options', async () => {
    const c = await loadClassifier(modelPath);
    const r = await c.classify(clip([true, false, false], 2.2, 1));
    expect(r.duration).toBeCloseTo(2.2, 6);
    expect(r.timeline.map((w) => w.start)).toEqual([0, 0.5, 1, 1.5]);
    expect(r.timeline.at(-1)!.end).toBeCloseTo(2.2, 6);
    for (const w of r.timeline) expect(Object.keys(w.probabilities)).toEqual(['tone', 'noise', 'click']);
    const max = Math.max(...r.timeline.map((w) => w.probabilities.tone!));
    expect(r.instruments.find((s) => s.code === 'tone')!.probability).toBeCloseTo(max, 6);
    const noOverlap = await c.classify(clip([true, false, false], 2.2, 1), { hopSeconds: 1 });
    expect(noOverlap.timeline).toHaveLength(3);
    const mean = await c.classify(clip([true, false, false], 2.2, 1), { aggregation: 'mean' });
    const avg = r.timeline.reduce((s, w) => s + w.probabilities.tone!, 0) / r.timeline.length;
    expect(mean.instruments.find((s) => s.code === 'tone')!.probability).toBeCloseTo(avg, 6);
    const att = await c.classify(clip([true, false, false], 2.2, 1), { aggregation: 'attention' });
    const pa = att.instruments.find((s) => s.code === 'tone')!.probability;
    expect(pa).toBeGreaterThanOrEqual(avg - 1e-6);
    expect(pa).toBeLessThanOrEqual(max + 1e-6);
    const short = await c.classify(clip([true, false, false], 0.3, 2));
    expect(short.timeline).toHaveLength(1);
  });

  it('applies threshold overrides and top-k', async () => {
    const c = await loadClassifier(modelPath);
    const audio = clip([true, false, false], 1, 3);
    expect((await c.classify(audio, { thresholds: 0 })).labels).toEqual(['tone', 'noise', 'click']);
    expect((await c.classify(audio, { thresholds: 1 })).labels).toEqual([]);
    const byCode = await c.classify(audio, { thresholds: { tone: 1 } });
    expect(byCode.labels).not.toContain('tone');
    const top = await c.classify(audio, { topK: 1 });
    expect(top.instruments).toHaveLength(1);
    expect(top.instruments[0]!.code).toBe('tone');
    await expect(c.classify(audio, { thresholds: { banjo: 0.3 } })).rejects.toThrow(UnknownInstrumentError);
    await expect(c.classify(audio, { thresholds: [0.5] })).rejects.toThrow(InvalidArgumentError);
    await expect(c.classify(audio, { thresholds: 2 })).rejects.toThrow(InvalidArgumentError);
    await expect(c.classify(audio, { topK: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(c.classify(audio, { aggregation: 'median' as never })).rejects.toThrow(InvalidArgumentError);
  });

  it('resamples input at other rates and downmixes stereo', async () => {
    const c = await loadClassifier(modelPath);
    const r = await c.classify(clip([false, true, false], 2, 4, 44100));
    expect(r.labels).toEqual(['noise']);
    const mono = clip([true, false, false], 1, 5);
    const stereo = createAudio(SR, [mono.channels[0]!, mono.channels[0]!]);
    expect((await c.classify(stereo)).instruments).toEqual((await c.classify(mono)).instruments);
  });

  it('rejects bad audio, bad models and missing files with typed errors', async () => {
    const c = await loadClassifier(modelPath);
    const nan = new Float32Array(SR);
    nan[10] = Number.NaN;
    await expect(c.classify({ sampleRate: SR, channels: [nan] })).rejects.toThrow(NonFiniteError);
    await expect(c.classify({ sampleRate: SR, channels: [new Float32Array(0)] })).rejects.toThrow(
      InvalidAudioError,
    );
    await expect(c.classify({ sampleRate: 3, channels: [new Float32Array(10)] })).rejects.toThrow(
      InvalidAudioError,
    );
    await expect(loadClassifier(new Uint8Array([1, 2, 3, 4]))).rejects.toThrow(ModelError);
    await expect(loadClassifier('/nonexistent/model.onnx')).rejects.toThrow(IOError);
    await expect(c.classifyFile('/nonexistent/clip.wav')).rejects.toThrow(IOError);
  });

  it('classifies files and names them in the result', async () => {
    const c = await loadClassifier(modelPath);
    const dir = mkdtempSync(join(tmpdir(), 'instr-infer-'));
    const file = join(dir, 'clicks.wav');
    await writeWavFile(file, clip([false, false, true], 1.5, 6));
    const r = await c.classifyFile(file);
    expect(r.source).toBe(file);
    expect(r.labels).toContain('click');
    const junk = join(dir, 'junk.wav');
    writeFileSync(junk, 'not audio at all');
    await expect(c.classifyFile(junk)).rejects.toThrow(/junk\.wav/);
  });

  it('streams PCM chunks with results equal to offline classification', async () => {
    const c = await loadClassifier(modelPath);
    const audio = clip([true, true, false], 3.3, 8, 22050);
    const offline = await c.classify(audio);
    const stream = new StreamingClassifier(c, { sampleRate: 22050 });
    const y = audio.channels[0]!;
    const rng = new Rng(1);
    const updates = [];
    for (let pos = 0; pos < y.length; ) {
      const size = rng.int(100, 9000);
      updates.push(...(await stream.push(y.subarray(pos, pos + size))));
      pos += size;
    }
    const result = await stream.finish();
    expect(updates.length).toBeGreaterThan(0);
    expect(result.timeline).toEqual(offline.timeline);
    expect(result.instruments).toEqual(offline.instruments);
    expect(result.labels).toEqual(offline.labels);
  });

  it('combines weighted ensembles', async () => {
    const a = await loadClassifier(modelPath);
    const b = await loadClassifier(modelPath);
    const audio = clip([true, false, false], 1, 9);
    const single = await a.classify(audio);
    const both = await classifyEnsemble(
      [
        { classifier: a, weight: 2 },
        { classifier: b, weight: 1 },
      ],
      audio,
    );
    for (const s of single.instruments) {
      expect(both.instruments.find((x) => x.code === s.code)!.probability).toBeCloseTo(s.probability, 6);
    }
    expect(both.members).toHaveLength(2);

    // A second member that squares every probability (window and clip), so the mean is checkable.
    const square = (r: ClassificationResult): ClassificationResult => ({
      ...r,
      instruments: r.instruments.map((x) => ({ ...x, probability: x.probability ** 2, threshold: 0.2 })),
      timeline: r.timeline.map((e) => ({
        ...e,
        probabilities: Object.fromEntries(Object.entries(e.probabilities).map(([c, p]) => [c, p ** 2])),
      })),
    });
    const squared = Object.create(b, {
      classify: { value: async (x: typeof audio, o: ClassifyOptions) => square(await b.classify(x, o)) },
    });
    const mixed = await classifyEnsemble(
      [
        { classifier: a, weight: 3 },
        { classifier: squared, weight: 1 },
      ],
      audio,
      { topK: 2 },
    );
    const expected = single.instruments
      .map((s) => ({
        code: s.code,
        p: 0.75 * s.probability + 0.25 * s.probability ** 2,
        t: 0.75 * s.threshold + 0.05,
      }))
      .sort((x, y) => y.p - x.p);
    expect(mixed.instruments.map((x) => x.code)).toEqual(expected.slice(0, 2).map((x) => x.code));
    mixed.instruments.forEach((x, i) => {
      expect(x.probability).toBeCloseTo(expected[i]!.p, 12);
      expect(x.threshold).toBeCloseTo(expected[i]!.t, 12);
    });
    expect(mixed.timeline).toHaveLength(single.timeline.length);
    mixed.timeline.forEach((e, w) => {
      for (const [c, p] of Object.entries(single.timeline[w]!.probabilities)) {
        expect(e.probabilities[c]).toBeCloseTo(0.75 * p + 0.25 * p ** 2, 12);
      }
    });
    for (const thresholds of [1.5, [0.5], { xyz: 0.5 }]) {
      await expect(
        classifyEnsemble([{ classifier: a, weight: 1 }], audio, { thresholds } as ClassifyOptions),
      ).rejects.toThrow();
    }
    await expect(classifyEnsemble([{ classifier: a, weight: 1 }], audio, { topK: 0 })).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(classifyEnsemble([], audio)).rejects.toThrow(InvalidArgumentError);
    await expect(classifyEnsemble([{ classifier: a, weight: -1 }], audio)).rejects.toThrow(
      InvalidArgumentError,
    );
  });

  it('reads metadata without loading the graph', async () => {
    const { readFileSync } = await import('node:fs');
    const meta = readModelMetadata(new Uint8Array(readFileSync(modelPath)));
    expect(meta.window).toEqual({ seconds: 1, hopSeconds: 0.5, padding: 'repeat' });
  });
});
