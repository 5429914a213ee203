import { InvalidArgumentError, NonFiniteError, Rng, type RngState, Tensor } from '@instr/core';
import {
  applyOptimizer,
  bceWithLogits,
  decodeCheckpoint,
  encodeCheckpoint,
  encodeModel,
  GraphBuilder,
  gradients,
  groupOf,
  lowerGraph,
  type OrtModule,
  type TrainingSpec,
} from '@instr/models';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';

/** Options of {@link GradientAccumulator.create}. */
export interface AccumulatorOptions {
  /** Micro-batches whose gradients are summed before one optimiser update. */
  microBatches: number;
  /**
   * Multiplier of the summed gradient before the update. Default `1 / microBatches`: with a mean loss and equal
   * micro-batches this is exactly the gradient of the mean loss over their union (one k-times larger batch).
   */
  scale?: number;
  /** Seed of the dropout masks. Default 0. */
  seed?: number;
  sessionOptions?: InferenceSession.SessionOptions;
}

/**
 * Gradient accumulation with two ONNX models built from the same {@link TrainingSpec}:
 * a **gradient** model (forward, loss, backward; outputs `acc + grad` for every trainable parameter and the
 * batch-norm buffer updates) run once per micro-batch, and an **apply** model (the optimiser of the spec on
 * `scale · acc`, with clipping and weight decay as configured) run once every `microBatches` calls. Memory is
 * that of one micro-batch. Batch-norm statistics are per micro-batch and running statistics are updated on every
 * micro-batch (as PyTorch does when accumulating).
 *
 * @example
 * ```ts
 * const acc = await GradientAccumulator.create(ort, { model, inputShape, targetShape, optimizer: { type: 'adamw' } }, { microBatches: 4 });
 * for (const b of batches) await acc.trainStep(b.x, b.y, schedule(acc.step)); // updates after every 4th call
 * ```
 */
export class GradientAccumulator {
  private readonly state = new Map<string, OrtTensor>();
  private rng: Rng;
  /** Micro-batches accumulated since the last update. */
  pending = 0;
  /** Optimiser updates done. */
  step = 0;

  private constructor(
    private readonly ort: OrtModule,
    private readonly grad: InferenceSession,
    private readonly apply: InferenceSession,
    private readonly evalSession: InferenceSession,
    /** The spec the models were built from (the loop reads `spec.freeze`). */
    readonly artifacts: { spec: TrainingSpec },
    private readonly info: {
      trainable: string[];
      buffers: string[];
      masks: { name: string; shape: (number | string)[]; p: number }[];
      inputShape: readonly (number | string)[];
      gradOutputs: Record<string, string>;
      applyOutputs: Record<string, string>;
    },
    private readonly options: AccumulatorOptions,
  ) {
    this.rng = new Rng(options.seed ?? 0);
  }

  /** Builds both models and their ORT sessions; the initial state is the spec's initial values. */
  static async create(
    ort: OrtModule,
    spec: TrainingSpec,
    options: AccumulatorOptions,
  ): Promise<GradientAccumulator> {
    const k = options.microBatches;
    if (!Number.isInteger(k) || k < 1) {
      throw new InvalidArgumentError(`microBatches must be a positive integer, got ${k}.`, {
        details: { key: 'microBatches', actual: k },
      });
    }
    const dtype = spec.dtype ?? 'float32';
    // gradient model
    const g = new GraphBuilder({ mode: 'train', dtype, name: 'accumulate_gradients' });
    const x = g.input('input', dtype, spec.inputShape);
    const t = g.input('target', dtype, spec.targetShape);
    const logits = spec.model(g, x);
    const loss = (spec.loss ?? bceWithLogits)(g, logits, t);
    const trainable = [...g.params.values()].filter(
      (p) =>
        p.trainable && !groupOf(p, spec.optimizer.groups)?.frozen && !(spec.freeze?.test(p.name) ?? false),
    );
    const grads = gradients(
      g,
      loss,
      trainable.map((p) => g.sym(p.name)),
    );
    g.output('loss', loss);
    g.output('logits', logits);
    const gradOutputs: Record<string, string> = {};
    trainable.forEach((p, i) => {
      const acc = g.input(`acc.${p.name}`, dtype, [...p.value.dims]);
      g.output(`new:acc.${p.name}`, g.add(acc, grads[i]!));
      gradOutputs[`acc.${p.name}`] = `new:acc.${p.name}`;
    });
    for (const [name, v] of g.bufferUpdates) {
      g.output(`new:${name}`, g.sym(v));
      gradOutputs[name] = `new:${name}`;
    }
    const gradModel = encodeModel(lowerGraph(g.toGraph()), { opset: spec.opset }).model;
    // apply model
    const a = new GraphBuilder({ mode: 'train', dtype, name: 'apply_gradients', paramsAs: 'inputs' });
    for (const p of trainable) a.param(p.name, p.value, { trainable: true, decay: p.decay, role: p.role });
    const scale = a.input('scale', dtype, []);
    const lr = a.input('lr', dtype, []);
    const step = a.input('step', dtype, []);
    const gm = new Map(
      trainable.map((p) => [p.name, a.mul(a.input(`acc.${p.name}`, dtype, [...p.value.dims]), scale)]),
    );
    const upd = applyOptimizer(a, gm, spec.optimizer, lr, step);
    const applyOutputs: Record<string, string> = {};
    for (const [name, v] of upd.params) {
      a.output(`new:${name}`, v);
      applyOutputs[name] = `new:${name}`;
    }
    for (const [name, v] of upd.slots) {
      a.output(`new:${name}`, v);
      applyOutputs[name] = `new:${name}`;
    }
    if (upd.gradNorm) a.output('grad_norm', upd.gradNorm);
    const applyModel = encodeModel(lowerGraph(a.toGraph()), { opset: spec.opset }).model;
    // eval model (as buildTrainingArtifacts')
    const e = new GraphBuilder({ mode: 'eval', dtype, name: 'eval_step' });
    const ex = e.input('input', dtype, spec.inputShape);
    const et = e.input('target', dtype, spec.targetShape);
    const elogits = spec.model(e, ex);
    e.output('loss', (spec.loss ?? bceWithLogits)(e, elogits, et));
    e.output('logits', elogits);
    const evalModel = encodeModel(lowerGraph(e.toGraph()), { opset: spec.opset }).model;
    const so = options.sessionOptions ?? {
      intraOpNumThreads: 2,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    };
    const [gs, as, es] = await Promise.all([
      ort.InferenceSession.create(gradModel, so),
      ort.InferenceSession.create(applyModel, so),
      ort.InferenceSession.create(evalModel, so),
    ]);
    const acc = new GradientAccumulator(
      ort,
      gs,
      as,
      es,
      { spec },
      {
        trainable: trainable.map((p) => p.name),
        buffers: [...g.buffers.keys()],
        masks: g.dropoutMasks.map((m) => ({ name: m.name, shape: [...m.shape], p: m.p })),
        inputShape: spec.inputShape,
        gradOutputs,
        applyOutputs,
      },
      options,
    );
    for (const p of g.params.values()) acc.state.set(p.name, p.value.clone().toOrt(ort.Tensor));
    for (const b of g.buffers.values()) acc.state.set(b.name, b.value.clone().toOrt(ort.Tensor));
    for (const s of upd.slotInfo) acc.state.set(s.name, s.value.clone().toOrt(ort.Tensor));
    acc.resetAccumulators();
    return acc;
  }

  private resetAccumulators(): void {
    for (const name of this.info.trainable) {
      const p = this.state.get(name)!;
      this.state.set(`acc.${name}`, Tensor.zeros(p.type as 'float32', p.dims).toOrt(this.ort.Tensor));
    }
    this.pending = 0;
  }

  /**
   * One micro-batch: adds its gradient; every `microBatches`-th call also applies the update with `lr`.
   * Returns the micro-batch loss and whether an update happened.
   * @throws NonFiniteError when the loss is NaN or infinite (nothing is accumulated).
   */
  async trainStep(
    input: Tensor,
    target: Tensor,
    lr: number,
  ): Promise<{ loss: number; updated: boolean; gradNorm?: number }> {
    const dtype = input.dtype as 'float32';
    const feeds: Record<string, OrtTensor> = {
      input: input.toOrt(this.ort.Tensor),
      target: target.toOrt(this.ort.Tensor),
    };
    const sym = new Map<string, number>();
    this.info.inputShape.forEach((d, i) => {
      if (typeof d === 'string') sym.set(d, input.dims[i]!);
    });
    for (const m of this.info.masks) {
      const shape = m.shape.map((d) => (typeof d === 'number' ? d : sym.get(d)!));
      const mask = Tensor.zeros(dtype, shape);
      const keep = 1 / (1 - m.p);
      for (let i = 0; i < mask.size; i++) mask.data[i] = this.rng.uniform() < m.p ? 0 : keep;
      feeds[m.name] = mask.toOrt(this.ort.Tensor);
    }
    for (const name of this.grad.inputNames) if (!feeds[name]) feeds[name] = this.state.get(name)!;
    const out = await this.grad.run(feeds);
    const loss = Number(out.loss!.data[0]);
    if (!Number.isFinite(loss)) {
      throw new NonFiniteError(`Training loss is ${loss}; lower the learning rate or check the data.`, {
        details: { actual: loss },
      });
    }
    for (const [name, o] of Object.entries(this.info.gradOutputs)) this.state.set(name, out[o]!);
    this.pending += 1;
    if (this.pending < this.options.microBatches) return { loss, updated: false };
    const gradNorm = await this.update(lr, this.options.scale ?? 1 / this.options.microBatches);
    return { loss, updated: true, gradNorm };
  }

  /**
   * Applies what has been accumulated so far (e.g. at the end of an epoch whose batch count is not a multiple
   * of `microBatches`), scaled by `1 / pending` unless a `scale` was given. No-op when nothing is pending.
   */
  async flush(lr: number): Promise<boolean> {
    if (this.pending === 0) return false;
    await this.update(lr, this.options.scale ?? 1 / this.pending);
    return true;
  }

  private async update(lr: number, scale: number): Promise<number | undefined> {
    const first = this.state.get(this.info.trainable[0] ?? '');
    const dtype = first?.type === 'float64' ? 'float64' : 'float32';
    const af: Record<string, OrtTensor> = {
      scale: Tensor.from(dtype, [scale], []).toOrt(this.ort.Tensor),
      lr: Tensor.from(dtype, [lr], []).toOrt(this.ort.Tensor),
      step: Tensor.from(dtype, [this.step + 1], []).toOrt(this.ort.Tensor),
    };
    for (const name of this.apply.inputNames) if (!af[name]) af[name] = this.state.get(name)!;
    const r = await this.apply.run(af);
    for (const [name, o] of Object.entries(this.info.applyOutputs)) this.state.set(name, r[o]!);
    this.step += 1;
    this.resetAccumulators();
    return r.grad_norm ? Number(r.grad_norm.data[0]) : undefined;
  }

  /** Loss and logits in eval mode (running statistics, no dropout) with the current weights. */
  async evaluate(input: Tensor, target: Tensor): Promise<{ loss: number; logits: Tensor }> {
    const feeds: Record<string, OrtTensor> = {
      input: input.toOrt(this.ort.Tensor),
      target: target.toOrt(this.ort.Tensor),
    };
    for (const name of this.evalSession.inputNames) if (!feeds[name]) feeds[name] = this.state.get(name)!;
    const out = await this.evalSession.run(feeds);
    return { loss: Number(out.loss!.data[0]), logits: Tensor.fromOrt(out.logits!) };
  }

  /** Weights, optimiser slots, pending accumulators, step, dropout RNG: resuming mid-accumulation is exact. */
  saveCheckpoint(meta: Record<string, unknown> = {}): Uint8Array {
    const tensors = new Map([...this.state].map(([k, v]) => [k, Tensor.fromOrt(v)]));
    return encodeCheckpoint({
      step: this.step,
      tensors,
      meta: { ...meta, rng: this.rng.getState(), pending: this.pending },
    });
  }

  /**
   * Restores a checkpoint of this class or of `TrainSession` (tensors it does not know are errors; missing
   * ones, e.g. optimiser slots of parameters that were frozen, keep their current values).
   */
  loadCheckpoint(bytes: Uint8Array): Record<string, unknown> {
    const ckpt = decodeCheckpoint(bytes);
    for (const [name, t] of ckpt.tensors) {
      if (!this.state.has(name)) {
        throw new InvalidArgumentError(`Unknown state tensor "${name}" in the checkpoint.`, {
          details: { key: name },
        });
      }
      this.state.set(name, t.toOrt(this.ort.Tensor));
    }
    this.step = ckpt.step;
    const meta = ckpt.meta ?? {};
    if (meta.rng) this.rng = Rng.fromState(meta.rng as RngState);
    this.pending = typeof meta.pending === 'number' ? meta.pending : 0;
    return meta;
  }

  /** Replaces (some of) the parameters and buffers. */
  setState(state: ReadonlyMap<string, Tensor>): void {
    for (const [name, t] of state) {
      if (!this.state.has(name))
        throw new InvalidArgumentError(`Unknown state tensor "${name}".`, { details: { key: name } });
      this.state.set(name, t.toOrt(this.ort.Tensor));
    }
  }

  /** Parameters and buffers (for `exportInferenceModel`, `createPredictor`, or `TrainSession.setState`). */
  getWeights(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [k, v] of this.state)
      if (!k.startsWith('acc.') && !k.startsWith('optim.')) out.set(k, Tensor.fromOrt(v));
    return out;
  }

  async release(): Promise<void> {
    await Promise.all([this.grad.release(), this.apply.release(), this.evalSession.release()]);
  }
}
