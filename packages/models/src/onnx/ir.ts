import type { Tensor } from '@instr/core';

/** One axis of a symbolic shape: a static size, or a named symbolic size such as `'N'` (the batch). */
export type Dim = number | string;

/** Element types a graph value can have. */
export type GraphDType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool' | 'uint8';

/** A typed ONNX attribute value. */
export type Attr =
  | { readonly i: number }
  | { readonly f: number }
  | { readonly s: string }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly t: Tensor };

/** A node of the intermediate representation (one ONNX NodeProto). */
export interface IrNode {
  /** ONNX op type (`Conv`), or an instr composite (`BatchNormTrain`, domain `instr`) lowered before export. */
  op: string;
  /** `''` for standard ONNX ops, `'instr'` for composites that {@link lowerGraph} expands. */
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
}

/** Name, dtype and (symbolic) shape of a graph value. */
export interface ValueInfo {
  name: string;
  dtype: GraphDType;
  shape: Dim[];
}

/** A whole graph in instr's intermediate representation. */
export interface IrGraph {
  name: string;
  nodes: IrNode[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: Map<string, Tensor>;
}
