import type { Loss } from '@instr/models';
import { describe, expectTypeOf, it } from 'vitest';
import type { TrainConfig, TrainConfigInput } from '../src/config/index.js';
import type { LrSchedule } from '../src/schedules/index.js';
import {
  bceLoss,
  type Batch,
  focalLoss,
  oneCycle,
  type TrainBatch,
  type TrainData,
  type TrainResult,
  withFamilyLoss,
} from '../src/index.js';

describe('training types', () => {
  it('losses are @instr/models Loss plug-ins and schedules are step → lr', () => {
    expectTypeOf(bceLoss()).toEqualTypeOf<Loss>();
    expectTypeOf(withFamilyLoss(focalLoss(), { families: [[0, 1]] })).toEqualTypeOf<Loss>();
    expectTypeOf(oneCycle({ maxLr: 1, totalSteps: 10 })).toEqualTypeOf<LrSchedule>();
  });
  it("the pipeline's batches feed the loop", () => {
    expectTypeOf<Batch>().toMatchTypeOf<TrainBatch>();
    expectTypeOf<TrainData['train']>().parameters.toEqualTypeOf<[number, number]>();
    expectTypeOf<TrainResult['history'][number]['train/loss']>().toEqualTypeOf<number>();
  });
  it('config input has optional defaults; the parsed config has them filled in', () => {
    expectTypeOf<TrainConfig['loop']['epochs']>().toEqualTypeOf<number>();
    expectTypeOf<TrainConfig['features']['nMels']>().toEqualTypeOf<number>();
    expectTypeOf<{ data: { train: { type: 'csv'; path: string } } }>().toMatchTypeOf<TrainConfigInput>();
  });
});
