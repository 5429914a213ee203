import type { Audio, Tensor } from '@instr/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AnyParams,
  type Applied,
  Compose,
  FrequencyMasking,
  Gain,
  type LabelledBatch,
  Mixup,
  OneOf,
  PitchShift,
  type Report,
  SpecMix,
  SumN,
  type MixResult,
} from '../src/index.js';

declare const audio: Audio;
declare const spec: Tensor<'float32'>;
declare const batch: LabelledBatch;

describe('types', () => {
  it('transforms are typed by their input and report typed parameters', () => {
    expectTypeOf(new Gain().apply(audio, 1)).toEqualTypeOf<Applied<Audio, { gainDb: number }>>();
    expectTypeOf(new Gain().apply(audio, 1).report.params).toEqualTypeOf<{ gainDb: number } | undefined>();
    expectTypeOf(new PitchShift().apply(audio, 1).output).toEqualTypeOf<Audio>();
    expectTypeOf(new FrequencyMasking().apply(spec, 1).output).toEqualTypeOf<Tensor<'float32'>>();
    expectTypeOf(new SpecMix().apply(batch, 1).output).toEqualTypeOf<LabelledBatch>();
    expectTypeOf(new Compose([new Gain(), new PitchShift()]).apply(audio, 1).report).toMatchTypeOf<Report>();
    const reports: Report[] = [
      new Gain().apply(audio, 1).report,
      new Compose([new Gain()]).apply(audio, 1).report,
    ];
    expectTypeOf(reports[0]!.params).toEqualTypeOf<AnyParams | undefined>();
  });

  it('composites keep one input type', () => {
    expectTypeOf(new Compose([new Gain(), new PitchShift()])).toEqualTypeOf<Compose<Audio>>();
    expectTypeOf(new OneOf([new Mixup(), new SpecMix()])).toEqualTypeOf<OneOf<LabelledBatch>>();
    // @ts-expect-error a spectrogram transform cannot take audio
    new FrequencyMasking().apply(audio, 1);
    // @ts-expect-error seeds are numbers or Rng
    new Gain().apply(audio, 'seed');
  });

  it('mixers resolve to MixResult', () => {
    expectTypeOf(new SumN([]).mix).returns.toEqualTypeOf<Promise<MixResult>>();
    expectTypeOf(new SumN([]).mixSync).returns.toEqualTypeOf<MixResult>();
  });
});
