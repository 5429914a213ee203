import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';

/**
 * The part of an onnxruntime package (onnxruntime-node or onnxruntime-web) that inference uses.
 * The Node and browser entries pass their own; tests can pass either.
 * @example
 * ```ts
 * import * as ort from 'onnxruntime-node';
 * const runtime: OrtRuntime = ort;
 * ```
 */
export interface OrtRuntime {
  InferenceSession: {
    create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  Tensor: typeof OrtTensor;
}
