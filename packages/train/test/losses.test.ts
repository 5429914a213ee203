import { readFileSync } from 'node:fs';
import { ConfigError, InstrumentSet, InvalidArgumentError, ShapeError, Tensor } from '@instr/core';
import { encodeModel, GraphBuilder, gradients, type Loss, lowerGraph } from '@instr/models';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  bceLoss,
  familyGroups,
  focalLoss,
  lossFromConfig,
  posWeightFromCounts,
  withFamilyLoss,
} from '../src/losses/index.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/losses.json', import.meta.url), 'utf8')) as {
  logits: number[][];
  targets: number[][];
  families: number[][];
  cases: Record<string, { config: Record<string, unknown>; loss: number; grad: number[][] }>;
};

/** Loss and d loss / d logits through the engine (autodiff + onnxruntime-node), float64. */
async function run(loss: Loss, dtype: 'float32' | 'float64' = 'float64') {
  const n = fx.logits.length;
  const c = fx.logits[0]!.length;
  const b = new GraphBuilder({ dtype, mode: 'train' });
  const x = b.input('x', dtype, [n, c]);
  const t = b.input('t', dtype, [n, c]);
  const l = loss(b, x, t);
  const [g] = gradients(b, l, [x]);
  b.output('loss', l);
  b.output('grad', g!);
  const { model } = encodeModel(lowerGraph(b.toGraph()));
  const s = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const out = await s.run({
    x: Tensor.from(dtype, fx.logits.flat(), [n, c]).toOrt(ort.Tensor),
    t: Tensor.from(dtype, fx.targets.flat(), [n, c]).toOrt(ort.Tensor),
  });
  return { loss: Number(out.loss!.data[0]), grad: Array.from(out.grad!.data as Float64Array) };
}

function expectClose(actual: number[], expected: number[], tol: number) {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...expected.map(Math.abs), 1e-12);
  for (let i = 0; i < actual.length; i++)
    expect(Math.abs(actual[i]! - expected[i]!) / scale).toBeLessThan(tol);
}

const build: Record<string, () => Loss> = {
  bce: () => bceLoss(),
  bce_pos_weight: () => bceLoss(fx.cases.bce_pos_weight!.config as never),
  bce_smoothing: () => bceLoss({ labelSmoothing: 0.1 }),
  bce_sum: () => bceLoss({ reduction: 'sum' }),
  focal_standard: () => focalLoss({ gamma: 2, alpha: 0.25 }),
  focal_standard_noalpha_g05: () => focalLoss({ gamma: 0.5, alpha: null }),
  focal_standard_smoothing: () => focalLoss({ gamma: 2, alpha: 0.25, labelSmoothing: 0.1 }),
  focal_reference: () => focalLoss(fx.cases.focal_reference!.config as never),
  focal_reference_g2: () => focalLoss({ variant: 'reference', gamma: 2 }),
  family: () => withFamilyLoss(bceLoss(), { families: InstrumentSet.irmas(), factor: 0.8 }),
};

describe('losses match PyTorch (value and gradient through the engine)', () => {
  for (const [name, make] of Object.entries(build)) {
    it(name, async () => {
      const ref = fx.cases[name]!;
      const got = await run(make());
      expect(Math.abs(got.loss - ref.loss) / Math.abs(ref.loss)).toBeLessThan(1e-10);
      expectClose(got.grad, ref.grad.flat(), 1e-9);
    });
  }
  it('float32 graphs agree to float32 precision', async () => {
    const ref = fx.cases.focal_standard!;
    const got = await run(focalLoss(), 'float32');
    expect(Math.abs(got.loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
    expectClose(got.grad, ref.grad.flat(), 1e-4);
  });
});

describe('pos_weight from label counts', () => {
  it('negatives / positives per class (default) and the reference total-of-labels variant', () => {
    const labels = [
      [1, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
      [1, 1, 0],
    ];
    expect(posWeightFromCounts(labels)).toEqual([1 / 3, 1, 3]);
    // reference: total = 3 + 2 + 1 = 6 labels
    expect(posWeightFromCounts(labels, { variant: 'reference' })).toEqual([1, 2, 5]);
    expect(posWeightFromCounts(Tensor.from('float32', labels.flat(), [4, 3]))).toEqual([1 / 3, 1, 3]);
    expect(posWeightFromCounts([3, 2, 1], { examples: 4, max: 2 })).toEqual([1 / 3, 1, 2]);
  });
  it('rejects classes without positives and missing N', () => {
    expect(() => posWeightFromCounts([[1, 0]])).toThrow(InvalidArgumentError);
    expect(posWeightFromCounts([[1, 0]], { max: 7 })).toEqual([0, 7]);
    expect(() => posWeightFromCounts([3, 2])).toThrow(/examples/);
  });
});

describe('loss configuration and bad input', () => {
  it('lossFromConfig composes pos_weight, focal and the family term', async () => {
    const rows = [...fx.targets, new Array<number>(11).fill(1)];
    const labels = Tensor.from('float32', rows.flat(), [rows.length, 11]);
    const loss = lossFromConfig(
      { type: 'focal', gamma: 0.5, focalVariant: 'reference', posWeight: 'reference', familyFactor: 0.3 },
      { labels, instruments: InstrumentSet.irmas() },
    );
    const r = await run(loss);
    expect(Number.isFinite(r.loss)).toBe(true);
    const plain = await run(lossFromConfig({}));
    expect(plain.loss).toBeCloseTo(fx.cases.bce!.loss, 10);
  });
  it('throws typed errors naming the key', () => {
    expect(() => focalLoss({ gamma: -1 })).toThrow(InvalidArgumentError);
    expect(() => focalLoss({ alpha: 2 })).toThrow(/alpha/);
    expect(() => bceLoss({ labelSmoothing: 1 })).toThrow(/labelSmoothing/);
    expect(() => lossFromConfig({ posWeight: true })).toThrow(ConfigError);
    expect(() => lossFromConfig({ familyFactor: 1 })).toThrow(/loss.families/);
    expect(() => lossFromConfig({ type: 'mse' as never })).toThrow(/loss.type/);
    expect(() => familyGroups([[]])).toThrow(InvalidArgumentError);
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['N', 3]);
    expect(() => bceLoss({ posWeight: [1, 2] })(b, x, b.input('t', 'float32', ['N', 3]))).toThrow(ShapeError);
    expect(() => withFamilyLoss(bceLoss(), { families: [[0, 5]] })(b, x, b.sym('t'))).toThrow(ShapeError);
  });
  it('families come from the instrument set', () => {
    expect(familyGroups(InstrumentSet.irmas())).toEqual(fx.families);
  });
});
