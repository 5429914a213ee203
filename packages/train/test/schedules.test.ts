import { readFileSync } from 'node:fs';
import { ConfigError, InvalidArgumentError } from '@instr/core';
import { describe, expect, it } from 'vitest';
import {
  chainSchedules,
  constantLr,
  cosineWarmRestarts,
  headWarmup,
  linearWarmup,
  oneCycle,
  ReduceLROnPlateau,
  scheduleFromConfig,
} from '../src/schedules/index.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/schedules.json', import.meta.url), 'utf8'));

function expectSeq(actual: number[], expected: number[]) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    expect(Math.abs(a - expected[i]!) / Math.max(Math.abs(expected[i]!), 1e-300)).toBeLessThan(1e-9);
  });
}

describe('schedules match PyTorch', () => {
  for (const name of ['onecycle_default', 'onecycle_custom', 'onecycle_linear_three']) {
    it(name, () => {
      const { config, lrs } = fx[name];
      const s = oneCycle(config);
      expectSeq(
        lrs.map((_: number, i: number) => s(i)),
        lrs,
      );
    });
  }
  it('cosine warm restarts (T_mult 2, eta_min; T_mult 1)', () => {
    for (const name of ['cosine_restarts', 'cosine_restarts_t1']) {
      const { config, lrs } = fx[name];
      const s = cosineWarmRestarts(config);
      expectSeq(
        lrs.map((_: number, i: number) => s(i)),
        lrs,
      );
    }
  });
  it('linear warm-up (LinearLR)', () => {
    const { config, lrs } = fx.linear_warmup;
    const s = linearWarmup(config);
    expectSeq(
      lrs.map((_: number, i: number) => s(i)),
      lrs,
    );
  });
  it('reduce on plateau (patience, factor, cooldown, min_lr, threshold modes)', () => {
    for (const [, c] of Object.entries(fx.plateau) as [
      string,
      { config: never; metrics: number[]; lrs: number[] },
    ][]) {
      const p = new ReduceLROnPlateau(c.config);
      expectSeq(
        c.metrics.map((m) => p.step(m)),
        c.lrs,
      );
    }
  });
  it('plateau state round-trips', () => {
    const p = new ReduceLROnPlateau({ lr: 1, patience: 0, factor: 0.5 });
    p.step(1);
    p.step(2);
    const q = new ReduceLROnPlateau({ lr: 1, patience: 0, factor: 0.5 });
    q.load(p.state());
    expect(q.step(3)).toBe(p.step(3));
  });
  it("the reference's geometric head warm-up", () => {
    const { config, lrs } = fx.head_warmup;
    const s = headWarmup(config);
    expectSeq(
      lrs.map((_: number, i: number) => s(i)),
      lrs,
    );
    expect(s(config.steps - 1)).toBe(config.to);
    expect(s(1000)).toBe(config.to);
  });
});

describe('composition and config', () => {
  it('chains schedules with their own step counters', () => {
    const s = chainSchedules([
      { schedule: headWarmup({ from: 1, to: 0.01, steps: 3 }), steps: 3 },
      { schedule: constantLr(0.5) },
    ]);
    expectSeq([s(0), s(1), s(2), s(3), s(9)], [1, 0.1, 0.01, 0.5, 0.5]);
  });
  it('builds schedules from config; onecycle starts at lr and peaks at maxLr', () => {
    const s = scheduleFromConfig(
      { type: 'onecycle', maxLr: 5e-4 },
      { lr: 5e-5, totalSteps: 101, stepsPerEpoch: 10 },
    );
    expect(s(0)).toBeCloseTo(5e-5, 15);
    const peak = Math.max(...Array.from({ length: 101 }, (_, i) => s(i)));
    expect(peak).toBeLessThanOrEqual(5e-4);
    expect(peak).toBeGreaterThan(4.99e-4);
    expect(scheduleFromConfig({ type: 'plateau' }, { lr: 0.1, totalSteps: 1, stepsPerEpoch: 1 })(5)).toBe(
      0.1,
    );
    expect(() =>
      scheduleFromConfig({ type: 'nope' } as never, { lr: 0.1, totalSteps: 1, stepsPerEpoch: 1 }),
    ).toThrow(ConfigError);
  });
  it('rejects bad arguments', () => {
    expect(() => oneCycle({ maxLr: 0, totalSteps: 10 })).toThrow(InvalidArgumentError);
    expect(() => oneCycle({ maxLr: 1, totalSteps: 10, pctStart: 1 })).toThrow(/pctStart/);
    expect(() => cosineWarmRestarts({ baseLr: 1, t0: 0 })).toThrow(/t0/);
    expect(() => new ReduceLROnPlateau({ lr: 1, factor: 1 })).toThrow(/factor/);
    expect(() => constantLr(1)(-1)).toThrow(/step/);
    expect(() => chainSchedules([])).toThrow(InvalidArgumentError);
  });
});
