import { InvalidArgumentError, ModelError } from '@instr/core';
import type { EncodedModel } from '../onnx/encode.js';
import { modelProtoType } from '../onnx/proto.js';

/** Options of {@link quantizeInferenceModel}. */
export interface QuantizeOptions {
  /**
   * `'weights'` (the default and only mode): float32 weight initializers of Conv (input W), Gemm (input B)
   * and MatMul (a constant 2-D right operand) become int8 with one symmetric scale per output channel, each
   * followed by a `DequantizeLinear` (opset ≥ 13, `axis`) whose output keeps the weight's original name.
   * Activations stay float32, so every ONNX Runtime backend runs the model (standard ONNX "QDQ" weights).
   */
  mode?: 'weights';
  /** Weights with fewer elements stay float32 (the saving would not pay for the extra node). Default 256. */
  minElements?: number;
  /** Op types whose weights are quantized. Default `['Conv', 'Gemm', 'MatMul']`. */
  ops?: readonly ('Conv' | 'Gemm' | 'MatMul')[];
}

/** One quantized weight, in {@link QuantizeResult.quantized}. */
export interface QuantizedWeight {
  name: string;
  op: string;
  dims: number[];
  /** The per-channel axis of the scales. */
  axis: number;
  /** Largest |w − dequantize(quantize(w))| relative to the largest |w| of its channel (≤ 1/254). */
  maxRelError: number;
}

/** Result of {@link quantizeInferenceModel}: the model bytes and what was changed. */
export interface QuantizeResult extends EncodedModel {
  quantized: QuantizedWeight[];
  /** Bytes of the quantized weights before (float32) and after (int8 data + float32 scales + int8 zero points). */
  weightBytes: { before: number; after: number };
}

const FLOAT = 1;
const INT8 = 3;
const DEFAULT_OPS = ['Conv', 'Gemm', 'MatMul'] as const;

// biome-ignore lint/suspicious/noExplicitAny: protobufjs plain objects
type Obj = any;

function floatValues(t: Obj, external: Uint8Array | undefined): Float32Array | undefined {
  if (t.dataType !== FLOAT) return undefined;
  if (t.dataLocation === 1) {
    const entry = (k: string) => t.externalData?.find((e: Obj) => e.key === k)?.value as string | undefined;
    if (!external) {
      throw new ModelError(
        `quantizeInferenceModel: initializer "${t.name}" is stored in external data (${entry('location')}); pass { model, externalData } (an EncodedModel) or use quantizeModelFile from @instr/models/node.`,
        { details: { key: t.name } },
      );
    }
    const offset = Number(entry('offset') ?? 0);
    const length = Number(entry('length') ?? external.byteLength - offset);
    return new Float32Array(copyBytes(external, offset, length).buffer);
  }
  if (t.rawData?.length) {
    const raw = t.rawData as Uint8Array;
    return new Float32Array(copyBytes(raw, 0, raw.byteLength).buffer);
  }
  if (t.floatData?.length) return Float32Array.from(t.floatData as number[]);
  return new Float32Array(0);
}

/** A fresh, aligned copy of `length` bytes at `offset` (Node's Buffer.slice would share memory). */
function copyBytes(src: Uint8Array, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(src.subarray(offset, offset + length));
  return out;
}

function inlineExternal(t: Obj, external: Uint8Array | undefined): void {
  if (t.dataLocation !== 1) return;
  const entry = (k: string) => t.externalData?.find((e: Obj) => e.key === k)?.value as string | undefined;
  if (!external) {
    throw new ModelError(
      `quantizeInferenceModel: initializer "${t.name}" is stored in external data (${entry('location')}); pass { model, externalData }.`,
      { details: { key: t.name } },
    );
  }
  const offset = Number(entry('offset') ?? 0);
  const length = Number(entry('length') ?? external.byteLength - offset);
  t.rawData = copyBytes(external, offset, length);
  delete t.dataLocation;
  delete t.externalData;
}

/** Per-channel symmetric int8 quantization of `w` (shape `dims`) along `axis`. */
function quantizePerChannel(w: Float32Array, dims: number[], axis: number) {
  const channels = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((p, v) => p * v, 1);
  const scale = new Float32Array(channels);
  for (let i = 0; i < w.length; i++) {
    const c = Math.floor(i / inner) % channels;
    const a = Math.abs(w[i]!);
    if (a > scale[c]!) scale[c] = a;
  }
  const maxAbs = Float32Array.from(scale);
  for (let c = 0; c < channels; c++) scale[c] = scale[c]! > 0 ? scale[c]! / 127 : 1;
  const q = new Int8Array(w.length);
  let maxRelError = 0;
  for (let i = 0; i < w.length; i++) {
    const c = Math.floor(i / inner) % channels;
    const v = Math.max(-127, Math.min(127, Math.round(w[i]! / scale[c]!)));
    q[i] = v;
    if (maxAbs[c]! > 0) {
      const err = Math.abs(w[i]! - v * scale[c]!) / maxAbs[c]!;
      if (err > maxRelError) maxRelError = err;
    }
  }
  return { q, scale, maxRelError };
}

/** The external-data `location` an ONNX model's initializers refer to (the first one found), if any. */
export function externalLocation(model: Uint8Array): string | undefined {
  const type = modelProtoType();
  const m: Obj = type.toObject(type.decode(model), { longs: Number, defaults: false });
  for (const t of m.graph?.initializer ?? []) {
    if (t.dataLocation === 1) return t.externalData?.find((e: Obj) => e.key === 'location')?.value;
  }
  return undefined;
}

function intAttr(node: Obj, name: string, fallback: number): number {
  const a = node.attribute?.find((x: Obj) => x.name === name);
  return a ? Number(a.i) : fallback;
}

/**
 * Rewrites an ONNX inference model (e.g. from `session.exportInference()` or `buildInferenceModel`) so that its
 * Conv / Gemm / MatMul weights are stored as int8 with per-output-channel symmetric scales and dequantized by
 * a standard `DequantizeLinear` node in front of the op (ONNX QDQ, opset ≥ 13). Everything else — other
 * initializers, inputs, outputs, `metadata_props`, opset — is kept, so the model stays a drop-in replacement
 * (same input and output names), about 4× smaller in weights. Initializers in external data are read from
 * `encoded.externalData` and written inline. Accepts models written by instr's {@link encodeModel} (other
 * producers' models lose protobuf fields instr does not model, such as `value_info` annotations).
 *
 * @example
 * ```ts
 * const q = quantizeInferenceModel(session.exportInference({ metadata }), { mode: 'weights' });
 * q.weightBytes; // { before: 1_552_000, after: 389_000 }
 * const s = await ort.InferenceSession.create(q.model);
 * ```
 */
export function quantizeInferenceModel(
  model: Uint8Array | EncodedModel,
  options: QuantizeOptions = {},
): QuantizeResult {
  const mode = options.mode ?? 'weights';
  if (mode !== 'weights') {
    throw new InvalidArgumentError(`quantizeInferenceModel: unknown mode "${mode}"; use 'weights'.`, {
      details: { mode },
    });
  }
  const minElements = options.minElements ?? 256;
  if (!(minElements >= 0)) {
    throw new InvalidArgumentError(
      `quantizeInferenceModel: minElements must be a number ≥ 0, got ${minElements}.`,
      { details: { minElements } },
    );
  }
  const ops = new Set<string>(options.ops ?? DEFAULT_OPS);
  const bytes = model instanceof Uint8Array ? model : model.model;
  const external = model instanceof Uint8Array ? undefined : model.externalData?.data;
  const type = modelProtoType();
  let m: Obj;
  try {
    m = type.toObject(type.decode(bytes), { longs: Number, bytes: Uint8Array, defaults: false });
  } catch (cause) {
    throw new ModelError(
      `quantizeInferenceModel: the bytes are not an ONNX model (${(cause as Error).message}).`,
      {
        cause,
      },
    );
  }
  const graph: Obj = m.graph;
  if (!graph) throw new ModelError('quantizeInferenceModel: the model has no graph.');
  const opsetEntry = (m.opsetImport ?? []).find((o: Obj) => !o.domain);
  const opset = Number(opsetEntry?.version ?? 0);
  if (opset < 13) {
    throw new ModelError(
      `quantizeInferenceModel: per-channel DequantizeLinear needs opset ≥ 13, the model has opset ${opset}; re-export it with a newer opset.`,
      { details: { actual: opset, expected: 13 } },
    );
  }
  const inits = new Map<string, Obj>();
  for (const t of graph.initializer ?? []) inits.set(t.name, t);
  const graphInputs = new Set<string>((graph.input ?? []).map((v: Obj) => v.name));
  // every consumer of a candidate weight must be a quantizable use with the same axis
  const uses = new Map<string, { op: string; axis: number }[]>();
  const note = (name: string, op: string, axis: number) => {
    const list = uses.get(name) ?? [];
    list.push({ op, axis });
    uses.set(name, list);
  };
  for (const node of graph.node ?? []) {
    const inputs: string[] = node.input ?? [];
    inputs.forEach((name, i) => {
      const t = inits.get(name);
      if (!t) return;
      const rank = (t.dims ?? []).length;
      let axis = -1;
      if (!node.domain && ops.has(node.opType)) {
        if (node.opType === 'Conv' && i === 1 && rank >= 3) axis = 0;
        else if (node.opType === 'Gemm' && i === 1 && rank === 2) axis = intAttr(node, 'transB', 0) ? 0 : 1;
        else if (node.opType === 'MatMul' && i === 1 && rank === 2) axis = 1;
      }
      note(name, node.opType, axis);
    });
  }
  const quantized: QuantizedWeight[] = [];
  const weightBytes = { before: 0, after: 0 };
  const newInits: Obj[] = [];
  const dqNodes: Obj[] = [];
  for (const t of graph.initializer ?? []) {
    const list = uses.get(t.name);
    const axis = list?.[0]?.axis ?? -1;
    const dims: number[] = (t.dims ?? []).map(Number);
    const size = dims.reduce((p, v) => p * v, 1);
    const ok =
      t.dataType === FLOAT &&
      axis >= 0 &&
      !graphInputs.has(t.name) &&
      size >= minElements &&
      list!.every((u) => u.axis === axis);
    if (!ok) {
      inlineExternal(t, external);
      newInits.push(t);
      continue;
    }
    const w = floatValues(t, external)!;
    if (w.length !== size) {
      throw new ModelError(
        `quantizeInferenceModel: initializer "${t.name}" has ${w.length} values for dims [${dims.join(', ')}].`,
        { details: { key: t.name } },
      );
    }
    const { q, scale, maxRelError } = quantizePerChannel(w, dims, axis);
    const base = t.name as string;
    newInits.push(
      { name: `${base}_quantized`, dims, dataType: INT8, rawData: new Uint8Array(q.buffer) },
      { name: `${base}_scale`, dims: [scale.length], dataType: FLOAT, rawData: new Uint8Array(scale.buffer) },
      {
        name: `${base}_zero_point`,
        dims: [scale.length],
        dataType: INT8,
        rawData: new Uint8Array(scale.length),
      },
    );
    dqNodes.push({
      name: `${base}_DequantizeLinear`,
      opType: 'DequantizeLinear',
      domain: '',
      input: [`${base}_quantized`, `${base}_scale`, `${base}_zero_point`],
      output: [base],
      attribute: [{ name: 'axis', type: 2, i: axis }],
    });
    weightBytes.before += size * 4;
    weightBytes.after += size + scale.length * 5;
    quantized.push({ name: base, op: list![0]!.op, dims, axis, maxRelError });
  }
  graph.initializer = newInits;
  graph.node = [...dqNodes, ...(graph.node ?? [])];
  const out = type.encode(type.fromObject(m)).finish();
  return { model: out, quantized, weightBytes };
}
