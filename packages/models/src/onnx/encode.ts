import { ModelError, type Tensor } from '@instr/core';
import { ATTR_TYPE, modelProtoType, ONNX_DTYPE } from './proto.js';
import type { Attr, Dim, GraphDType, IrGraph, ValueInfo } from './ir.js';

/** Options of {@link encodeModel}. */
export interface EncodeOptions {
  /** Default opset of the `''` domain. Default 17. */
  opset?: number;
  /** Stored as ModelProto `metadata_props` (read back with ORT's `session.handler.metadata` or {@link decodeModel}). */
  metadata?: Record<string, string>;
  /** Model doc string. */
  docString?: string;
  /**
   * Store initializers of at least `threshold` bytes (default 1024) in a separate external-data file named
   * `location` (relative to the model file). {@link EncodedModel.externalData} then holds its bytes.
   */
  externalData?: { location: string; threshold?: number };
}

/** Result of {@link encodeModel}. */
export interface EncodedModel {
  /** The serialized ModelProto. */
  model: Uint8Array;
  /** The external-data file's bytes and its relative name, when {@link EncodeOptions.externalData} was set. */
  externalData?: { location: string; data: Uint8Array };
}

const PRODUCER = 'instr';

/**
 * Serializes an IR graph (standard ONNX ops only; run {@link lowerGraph} first) to ONNX ModelProto bytes.
 *
 * @example
 * ```ts
 * const { model } = encodeModel(lowerGraph(b.toGraph()), { metadata: { classes: 'pia,gel' } });
 * const session = await InferenceSession.create(model);
 * ```
 */
export function encodeModel(graph: IrGraph, options: EncodeOptions = {}): EncodedModel {
  for (const node of graph.nodes) {
    if (node.domain !== '') {
      throw new ModelError(
        `Node "${node.name}" uses op ${node.domain}.${node.op}; call lowerGraph() before encodeModel().`,
        { details: { actual: node.op } },
      );
    }
  }
  const threshold = options.externalData?.threshold ?? 1024;
  const chunks: Uint8Array[] = [];
  let extOffset = 0;
  const initializer = [...graph.initializers].map(([name, t]) => {
    const bytes = tensorBytes(t);
    if (options.externalData && bytes.byteLength >= threshold) {
      const pad = (4096 - (extOffset % 4096)) % 4096;
      if (pad) chunks.push(new Uint8Array(pad));
      extOffset += pad;
      const entry = {
        name,
        dims: [...t.dims],
        dataType: ONNX_DTYPE[t.dtype],
        dataLocation: 1,
        externalData: [
          { key: 'location', value: options.externalData.location },
          { key: 'offset', value: String(extOffset) },
          { key: 'length', value: String(bytes.byteLength) },
        ],
      };
      chunks.push(bytes);
      extOffset += bytes.byteLength;
      return entry;
    }
    return tensorProto(name, t);
  });
  const message = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: options.opset ?? 17 }],
    producerName: PRODUCER,
    producerVersion: '0.1.0',
    docString: options.docString ?? '',
    graph: {
      name: graph.name,
      node: graph.nodes.map((n) => ({
        name: n.name,
        opType: n.op,
        domain: '',
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs).map(([k, v]) => attrProto(k, v)),
      })),
      initializer,
      input: graph.inputs.map(valueInfoProto),
      output: graph.outputs.map(valueInfoProto),
    },
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  const type = modelProtoType();
  const model = type.encode(type.fromObject(message)).finish();
  if (!options.externalData) return { model };
  const data = new Uint8Array(extOffset);
  let o = 0;
  for (const c of chunks) {
    data.set(c, o);
    o += c.byteLength;
  }
  return { model, externalData: { location: options.externalData.location, data } };
}

/** A decoded model: metadata, opset, and the graph's node op types and value names (for inspection and tests). */
export interface DecodedModel {
  metadata: Record<string, string>;
  opset: number;
  ops: string[];
  inputs: string[];
  outputs: string[];
  initializers: string[];
}

/**
 * Reads the main facts of an ONNX model back from its bytes.
 *
 * @example
 * ```ts
 * decodeModel(bytes).metadata.classes; // 'pia,gel'
 * ```
 */
export function decodeModel(bytes: Uint8Array): DecodedModel {
  const type = modelProtoType();
  // biome-ignore lint/suspicious/noExplicitAny: protobufjs plain object
  const m = type.toObject(type.decode(bytes), { longs: Number }) as any;
  return {
    metadata: Object.fromEntries(
      (m.metadataProps ?? []).map((e: { key: string; value: string }) => [e.key, e.value]),
    ),
    opset: Number(m.opsetImport?.[0]?.version ?? 0),
    ops: (m.graph?.node ?? []).map((n: { opType: string }) => n.opType),
    inputs: (m.graph?.input ?? []).map((v: { name: string }) => v.name),
    outputs: (m.graph?.output ?? []).map((v: { name: string }) => v.name),
    initializers: (m.graph?.initializer ?? []).map((v: { name: string }) => v.name),
  };
}

function tensorBytes(t: Tensor): Uint8Array {
  const d = t.data as unknown as ArrayBufferView;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

function tensorProto(name: string, t: Tensor) {
  return { name, dims: [...t.dims], dataType: ONNX_DTYPE[t.dtype], rawData: tensorBytes(t) };
}

function valueInfoProto(v: ValueInfo) {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: ONNX_DTYPE[v.dtype as GraphDType],
        shape: { dim: v.shape.map((d: Dim) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attrProto(name: string, a: Attr) {
  if ('i' in a) return { name, type: ATTR_TYPE.INT, i: a.i };
  if ('f' in a) return { name, type: ATTR_TYPE.FLOAT, f: a.f };
  if ('s' in a) return { name, type: ATTR_TYPE.STRING, s: new TextEncoder().encode(a.s) };
  if ('ints' in a) return { name, type: ATTR_TYPE.INTS, ints: [...a.ints] };
  if ('floats' in a) return { name, type: ATTR_TYPE.FLOATS, floats: [...a.floats] };
  return { name, type: ATTR_TYPE.TENSOR, t: tensorProto('', a.t) };
}
