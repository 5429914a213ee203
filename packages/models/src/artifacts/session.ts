import { InvalidArgumentError, ModelError, NonFiniteError, Rng, ShapeError, Tensor } from '@instr/core';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';
import type { EncodedModel } from '../onnx/encode.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { buildInferenceModel, type InferenceModelOptions, type TrainingArtifacts } from './train.js';

/**
 * The parts of an onnxruntime module (`onnxruntime-node`, `onnxruntime-web`) that {@link TrainSession} uses;
 * pass the module itself.
 */
export interface OrtModule {
  InferenceSession: {
    create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  Tensor: typeof OrtTensor;
}

/** Options of {@link TrainSession.create}. */
export interface TrainSessionOptions {
  /**
   * ORT session options for both models (replace the defaults as a whole). Default `{ intraOpNumThreads: 2,
   * interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' }`: 'all' gives the
   * fastest train step (reference CNN: 'disabled' is 1.24x slower per step); 'disabled' loads deep graphs
   * ~3x faster (ResNeXt-50: 1.6 s vs 5.5 s), worth it only for runs of a few dozen steps. See the README.
   */
  sessionOptions?: InferenceSession.SessionOptions;
  /** Seed of the dropout masks. Default 0. */
  seed?: number;
  /** Initial state (default: the artifacts' initial values). */
  state?: ReadonlyMap<string, Tensor>;
  /** Throw a NonFiniteError when the loss becomes NaN/∞ (the state is then not updated). Default true. */
  checkFinite?: boolean;
}

/** Result of one step. */
export interface StepResult {
  loss: number;
  /** Logits `[N, classes]`, backed by the ORT output buffer (no copy). */
  logits: Tensor;
  /** Global gradient norm before clipping, when the optimiser clips. */
  gradNorm?: number;
}

/**
 * Runs the train-step model: holds parameters, buffers and optimiser state as ORT tensors, feeds them each
 * step and swaps in the outputs (no copies), fills dropout masks from a seeded {@link Rng}, and saves /
 * loads checkpoints.
 *
 * @example
 * ```ts
 * import * as ort from 'onnxruntime-node';
 * const session = await TrainSession.create(ort, artifacts, { seed: 1 });
 * const { loss } = await session.trainStep(batch, targets, 1e-3);
 * const bytes = session.saveCheckpoint();
 * ```
 */
export class TrainSession {
  private readonly state = new Map<string, OrtTensor>();
  private rng: Rng;
  /** Number of completed optimiser updates. */
  step = 0;

  private constructor(
    private readonly ort: OrtModule,
    readonly artifacts: TrainingArtifacts,
    private readonly train: InferenceSession,
    private readonly evalSession: InferenceSession,
    private readonly options: TrainSessionOptions,
  ) {
    this.rng = new Rng(options.seed ?? 0);
  }

  /** Creates the ORT sessions of the train-step and eval models. */
  static async create(
    ort: OrtModule,
    artifacts: TrainingArtifacts,
    options: TrainSessionOptions = {},
  ): Promise<TrainSession> {
    const so: InferenceSession.SessionOptions = options.sessionOptions ?? {
      intraOpNumThreads: 2,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    };
    const [train, ev] = await Promise.all([
      ort.InferenceSession.create(artifacts.trainStep, so),
      ort.InferenceSession.create(artifacts.evalStep, so),
    ]);
    const s = new TrainSession(ort, artifacts, train, ev, options);
    s.setState(options.state ?? artifacts.initialState());
    return s;
  }

  /** Replaces (some of) the state tensors; shapes must match. */
  setState(state: ReadonlyMap<string, Tensor>): void {
    const expected = this.artifacts.initialState();
    for (const [name, t] of state) {
      const ref = expected.get(name);
      if (!ref) throw new InvalidArgumentError(`Unknown state tensor "${name}".`, { details: { key: name } });
      if (ref.dims.join() !== t.dims.join() || ref.dtype !== t.dtype) {
        throw new ShapeError(
          `State tensor "${name}" is ${t.dtype}[${t.dims.join(', ')}], expected ${ref.dtype}[${ref.dims.join(', ')}].`,
          {
            details: { expected: ref.dims, actual: t.dims, key: name },
          },
        );
      }
      this.state.set(name, t.toOrt(this.ort.Tensor));
    }
  }

  /** The current parameters, buffers and optimiser slots as tensors over the ORT buffers (no copy). */
  getState(): Map<string, Tensor> {
    return new Map([...this.state].map(([k, v]) => [k, Tensor.fromOrt(v)]));
  }

  /** Only the parameters and buffers (what an inference model needs). */
  getWeights(): Map<string, Tensor> {
    const names = new Set([
      ...this.artifacts.params.map((p) => p.name),
      ...this.artifacts.buffers.map((b) => b.name),
    ]);
    return new Map([...this.getState()].filter(([k]) => names.has(k)));
  }

  /**
   * One optimiser update on a batch. `lr` is the learning rate of this step (schedules live outside).
   * @throws NonFiniteError when the loss is NaN or infinite (state left unchanged).
   */
  async trainStep(input: Tensor, target: Tensor, lr: number): Promise<StepResult> {
    const a = this.artifacts;
    const dtype = a.spec.dtype ?? 'float32';
    const feeds: Record<string, OrtTensor> = {
      input: this.checkIo(input, a.spec.inputShape, 'input').toOrt(this.ort.Tensor),
      target: this.checkIo(target, a.spec.targetShape, 'target').toOrt(this.ort.Tensor),
      lr: Tensor.from(dtype, [lr], []).toOrt(this.ort.Tensor),
      step: Tensor.from(dtype, [this.step + 1], []).toOrt(this.ort.Tensor),
    };
    const sym = new Map<string, number>();
    a.spec.inputShape.forEach((d, i) => {
      if (typeof d === 'string') sym.set(d, input.dims[i]!);
    });
    for (const m of a.dropoutMasks) {
      const shape = m.shape.map((d) => {
        if (typeof d === 'number') return d;
        const v = sym.get(d);
        if (v === undefined) {
          throw new ModelError(
            `Dropout mask "${m.name}" has symbolic axis "${d}" that is not an axis of the input; apply dropout to tensors whose symbolic axes are the input's (e.g. the batch).`,
            { details: { key: m.name, actual: m.shape } },
          );
        }
        return v;
      });
      const n = shape.reduce((p, v) => p * v, 1);
      const mask = Tensor.zeros(dtype, shape);
      const keep = 1 / (1 - m.p);
      for (let i = 0; i < n; i++) mask.data[i] = this.rng.uniform() < m.p ? 0 : keep;
      feeds[m.name] = mask.toOrt(this.ort.Tensor);
    }
    for (const [k, v] of this.state) feeds[k] = v;
    const out = await this.train.run(feeds);
    const loss = Number(out.loss!.data[0]);
    if ((this.options.checkFinite ?? true) && !Number.isFinite(loss)) {
      throw new NonFiniteError(
        `Training loss is ${loss} at step ${this.step + 1}; lower the learning rate or check the data.`,
        {
          details: { actual: loss, step: this.step + 1 },
        },
      );
    }
    for (const [name, outName] of Object.entries(a.stateOutputs)) this.state.set(name, out[outName]!);
    this.step += 1;
    return {
      loss,
      logits: Tensor.fromOrt(out.logits!),
      gradNorm: out.grad_norm ? Number(out.grad_norm.data[0]) : undefined,
    };
  }

  /** Loss and logits in eval mode (running batch-norm statistics, no dropout) with the current weights. */
  async evaluate(input: Tensor, target: Tensor): Promise<StepResult> {
    const a = this.artifacts;
    const feeds: Record<string, OrtTensor> = {
      input: this.checkIo(input, a.spec.inputShape, 'input').toOrt(this.ort.Tensor),
      target: this.checkIo(target, a.spec.targetShape, 'target').toOrt(this.ort.Tensor),
    };
    for (const name of this.evalSession.inputNames) {
      if (!feeds[name]) {
        const v = this.state.get(name);
        if (!v)
          throw new ModelError(`Eval model input "${name}" has no state tensor.`, { details: { key: name } });
        feeds[name] = v;
      }
    }
    const out = await this.evalSession.run(feeds);
    return { loss: Number(out.loss!.data[0]), logits: Tensor.fromOrt(out.logits!) };
  }

  /** Serialises parameters, buffers, optimiser state, the step count and the dropout RNG state. */
  saveCheckpoint(meta: Record<string, unknown> = {}): Uint8Array {
    return encodeCheckpoint({
      step: this.step,
      tensors: this.getState(),
      meta: { ...meta, rng: this.rng.getState() },
    });
  }

  /** Restores a checkpoint written by {@link TrainSession.saveCheckpoint}; returns its `meta`. */
  loadCheckpoint(bytes: Uint8Array): Record<string, unknown> {
    const ckpt = decodeCheckpoint(bytes);
    this.setState(ckpt.tensors);
    this.step = ckpt.step;
    const meta = ckpt.meta ?? {};
    if (meta.rng) this.rng = Rng.fromState(meta.rng as never);
    return meta;
  }

  /** The inference model of the current weights (batch-norm folded, metadata attached). */
  exportInference(options: InferenceModelOptions = {}): EncodedModel {
    const spec = this.artifacts.spec;
    return buildInferenceModel(spec.model, spec.inputShape, this.getWeights(), {
      dtype: spec.dtype,
      ...options,
    });
  }

  /** Releases both ORT sessions. */
  async release(): Promise<void> {
    await Promise.all([this.train.release(), this.evalSession.release()]);
  }

  private checkIo(t: Tensor, shape: readonly (number | string)[], what: string): Tensor {
    const dtype = this.artifacts.spec.dtype ?? 'float32';
    if (t.dtype !== dtype) {
      throw new InvalidArgumentError(`${what} must be ${dtype}, got ${t.dtype}.`, {
        details: { expected: dtype, actual: t.dtype, key: what },
      });
    }
    if (t.dims.length !== shape.length || shape.some((d, i) => typeof d === 'number' && d !== t.dims[i])) {
      throw new ShapeError(
        `${what} has shape [${t.dims.join(', ')}], the model expects [${shape.join(', ')}].`,
        {
          details: { expected: shape, actual: t.dims, key: what },
        },
      );
    }
    return t;
  }
}
