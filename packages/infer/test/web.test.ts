import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAudio, Rng } from '@instr/core';
import { loadClassifier } from '@instr/infer';
import { describe, expect, it } from 'vitest';
import { synthClip } from '../scripts/make-test-model.js';
import { loadClassifier as loadWebClassifier } from '../src/browser.js';

describe('onnxruntime-web (wasm) and onnxruntime-node agree', () => {
  it('gives the same probabilities within 1e-5', async () => {
    const bytes = new Uint8Array(readFileSync(join(__dirname, 'fixtures', 'tiny-model.onnx')));
    const node = await loadClassifier(bytes);
    const web = await loadWebClassifier(bytes, { sessionOptions: { executionProviders: ['wasm'] } });
    const audio = createAudio(16000, [synthClip(new Rng(3), [true, true, false], 16000, 2.5)]);
    const a = await node.classify(audio);
    const b = await web.classify(audio);
    expect(b.timeline.length).toBe(a.timeline.length);
    a.timeline.forEach((w, i) => {
      for (const code of Object.keys(w.probabilities)) {
        expect(Math.abs(w.probabilities[code]! - b.timeline[i]!.probabilities[code]!)).toBeLessThan(1e-5);
      }
    });
    const blob = new Blob([readFileSync(join(__dirname, 'fixtures', 'tiny-model.onnx'))]);
    const fromBlob = await loadWebClassifier(blob);
    expect(fromBlob.describe().name).toBe('instr-test-tiny');
  });
});
