import {
  ConfigError,
  IRMAS_CODES,
  InstrumentSet,
  logMelSpec,
  type ModelMetadata,
  parseModelMetadata,
} from '@instr/core';
import { describe, expect, it } from 'vitest';

const valid = (): ModelMetadata => ({
  schema: 1,
  name: 'test',
  instruments: InstrumentSet.irmas().toJSON(),
  sampleRate: 22050,
  features: logMelSpec(),
  window: { seconds: 3, hopSeconds: 1.5, padding: 'repeat' },
  normalization: { mean: -40, std: 20 },
  thresholds: IRMAS_CODES.map(() => 0.5),
  output: 'logits',
  io: { input: 'features', output: 'logits' },
});

describe('parseModelMetadata', () => {
  it('accepts valid metadata and survives JSON', () => {
    const m = parseModelMetadata(JSON.parse(JSON.stringify(valid())));
    expect(m.instruments).toHaveLength(11);
  });

  it.each([
    ['schema', (m: Record<string, unknown>) => (m.schema = 2)],
    ['sampleRate', (m: Record<string, unknown>) => (m.sampleRate = 0)],
    ['features.type', (m: Record<string, unknown>) => (m.features = { type: 'mfcc' })],
    ['features.nFft', (m: Record<string, unknown>) => ((m.features as Record<string, unknown>).nFft = 0)],
    [
      'window.padding',
      (m: Record<string, unknown>) => ((m.window as Record<string, unknown>).padding = 'loop'),
    ],
    ['thresholds', (m: Record<string, unknown>) => (m.thresholds = [0.5])],
    ['normalization', (m: Record<string, unknown>) => (m.normalization = { mean: 0, std: 0 })],
    ['output', (m: Record<string, unknown>) => (m.output = 'scores')],
    ['io', (m: Record<string, unknown>) => (m.io = {})],
  ])('rejects a bad %s with a ConfigError naming the key', (key, mutate) => {
    const m = valid() as unknown as Record<string, unknown>;
    mutate(m);
    try {
      parseModelMetadata(m);
      expect.unreachable();
    } catch (e) {
      expect(ConfigError.isInstance(e)).toBe(true);
      expect((e as ConfigError).details.key).toBe(key);
    }
  });

  it('rejects non-objects', () => {
    expect(() => parseModelMetadata(null)).toThrow(ConfigError);
  });
});
