import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, ModelError, Rng, Tensor } from '@instr/core';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, describe, expect, it } from 'vitest';
import { quantizeModelFile } from '../src/artifacts/node.js';
import {
  buildInferenceModel,
  buildModel,
  decodeModel,
  encodeModel,
  GraphBuilder,
  quantizeInferenceModel,
} from '../src/index.js';

const INPUT = [1, 64, 96];
const built = buildModel(
  { backbone: { type: 'reference-cnn' }, head: { type: 'deep', hidden: [64] } },
  { seed: 3, inputShape: ['N', ...INPUT] },
);
const metadata = { instruments: built.instruments.join(','), note: 'int8 test' };
const float = buildInferenceModel(built.model, ['N', ...INPUT], built.weights, { metadata });
const quant = quantizeInferenceModel(float, { mode: 'weights' });

/** Random normal batches and structured ones (harmonic stripes, a ramp, silence-like constant). */
function inputs(): Tensor[] {
  const rng = new Rng(11);
  const n = INPUT.reduce((p, v) => p * v, 1);
  const random = Tensor.zeros('float32', [4, ...INPUT]);
  rng.fillNormal(random.data);
  const structured = Tensor.zeros('float32', [3, ...INPUT]);
  const [, h, w] = INPUT as [number, number, number];
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      structured.data[i * w + j] = i % 12 === 0 ? 3 : -1 + 0.1 * Math.sin(j / 5); // stripes
      structured.data[n + i * w + j] = (i / h) * 4 - 2 + j / w; // ramp
      structured.data[2 * n + i * w + j] = -4; // near-silent log-mel
    }
  }
  return [random, structured];
}

async function logits(ort: typeof ortNode, model: Uint8Array, x: Tensor): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(model);
  const out = await s.run({ input: new ort.Tensor('float32', x.data as Float32Array, [...x.dims]) });
  await s.release();
  return out.logits!.data as Float32Array;
}

/** Largest |a − b| over the largest |b| of the batch (the logit scale). */
function relErr(a: Float32Array, b: Float32Array): number {
  let e = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    e = Math.max(e, Math.abs(a[i]! - b[i]!));
    m = Math.max(m, Math.abs(b[i]!));
  }
  return e / Math.max(m, 1e-6);
}

describe('quantizeInferenceModel (int8 weights, per-channel DequantizeLinear)', () => {
  it('rewrites every Conv/Gemm/MatMul weight and keeps names, outputs and metadata', () => {
    const before = decodeModel(float.model);
    const after = decodeModel(quant.model);
    expect(after.metadata).toEqual(metadata);
    expect(after.inputs).toEqual(before.inputs);
    expect(after.outputs).toEqual(before.outputs);
    expect(after.opset).toBe(before.opset);
    const convs = before.ops.filter((o) => o === 'Conv').length;
    expect(convs).toBe(4);
    expect(quant.quantized.filter((q) => q.op === 'Conv').length).toBe(convs);
    expect(quant.quantized.some((q) => q.op === 'Gemm' || q.op === 'MatMul')).toBe(true);
    expect(after.ops.filter((o) => o === 'DequantizeLinear').length).toBe(quant.quantized.length);
    for (const q of quant.quantized) {
      expect(q.maxRelError).toBeLessThanOrEqual(1 / 254 + 1e-6);
      expect(after.initializers).toContain(`${q.name}_quantized`);
      expect(after.initializers).not.toContain(q.name);
    }
  });

  it('is about 4x smaller in weights and in file size', () => {
    const { before, after } = quant.weightBytes;
    expect(after / before).toBeLessThan(0.26);
    expect(after / before).toBeGreaterThan(0.25);
    expect(quant.model.byteLength / float.model.byteLength).toBeLessThan(0.3);
  });

  it('onnxruntime-node: logits within 2% of the float model (random and structured inputs)', async () => {
    for (const x of inputs()) {
      const a = await logits(ortNode, float.model, x);
      const b = await logits(ortNode, quant.model, x);
      const e = relErr(b, a);
      if (process.env.QUANT_VERBOSE) console.log('node int8 vs float', e);
      expect(e).toBeLessThan(0.02);
    }
  });

  it('onnxruntime-web (wasm in Node) runs it and agrees with onnxruntime-node', async () => {
    ortWeb.env.wasm.numThreads = 1;
    for (const x of inputs()) {
      const a = await logits(ortNode, quant.model, x);
      const b = await logits(ortWeb as unknown as typeof ortNode, quant.model, x);
      expect(relErr(b, a)).toBeLessThan(1e-4);
      const f = await logits(ortNode, float.model, x);
      expect(relErr(b, f)).toBeLessThan(0.02);
    }
  });

  it('reads external data and leaves small weights float (minElements)', () => {
    const ext = buildInferenceModel(built.model, ['N', ...INPUT], built.weights, {
      metadata,
      externalData: { location: 'm.onnx.data', threshold: 64 },
    });
    const q = quantizeInferenceModel(ext);
    expect(new Uint8Array(q.model)).toEqual(new Uint8Array(quant.model));
    expect(q.quantized.map((w) => w.name)).toEqual(quant.quantized.map((w) => w.name));
    expect(() => quantizeInferenceModel(ext.model)).toThrow(ModelError);
    const few = quantizeInferenceModel(float, { minElements: 10_000 });
    expect(few.quantized.length).toBeLessThan(quant.quantized.length);
    expect(few.quantized.every((w) => w.dims.reduce((p, v) => p * v, 1) >= 10_000)).toBe(true);
  });

  it('rejects bad input with typed errors', () => {
    expect(() => quantizeInferenceModel(float, { mode: 'dynamic' as 'weights' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => quantizeInferenceModel(float, { minElements: -1 })).toThrow(InvalidArgumentError);
    expect(() => quantizeInferenceModel(new Uint8Array([1, 2, 3, 255, 255]))).toThrow(ModelError);
    const b = new GraphBuilder({ mode: 'inference' });
    const x = b.input('x', 'float32', ['N', 4]);
    b.output('y', b.matmul(x, b.constant(Tensor.zeros('float32', [4, 300]))));
    const old = encodeModel(b.toGraph(), { opset: 12 });
    expect(() => quantizeInferenceModel(old)).toThrow(/opset ≥ 13/);
  });
});

describe('quantizeModelFile (Node)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'instr-quant-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the quantized model atomically, with external data inlined', async () => {
    const ext = buildInferenceModel(built.model, ['N', ...INPUT], built.weights, {
      metadata,
      externalData: { location: 'model.onnx.data', threshold: 64 },
    });
    writeFileSync(join(dir, 'model.onnx'), ext.model);
    writeFileSync(join(dir, 'model.onnx.data'), ext.externalData!.data);
    const r = await quantizeModelFile(join(dir, 'model.onnx'), join(dir, 'model.int8.onnx'));
    const bytes = new Uint8Array(readFileSync(join(dir, 'model.int8.onnx')));
    expect(bytes).toEqual(new Uint8Array(r.model));
    expect(decodeModel(bytes).metadata).toEqual(metadata);
    const [x] = inputs();
    expect(relErr(await logits(ortNode, bytes, x!), await logits(ortNode, float.model, x!))).toBeLessThan(
      0.02,
    );
    await expect(quantizeModelFile(join(dir, 'missing.onnx'), join(dir, 'x.onnx'))).rejects.toThrow(
      /missing/,
    );
  });
});
