/**
 * @packageDocumentation
 * Typed ONNX graph builder, reverse-mode autodiff, in-graph optimisers and training artifacts.
 */
export * from './graph/builder.js';
export * from './graph/lower.js';
export * from './graph/shape.js';
export * from './onnx/ir.js';
export * from './onnx/encode.js';
export * from './graph/losses.js';
export * from './graph/composite.js';
export * from './autodiff/grad.js';
export { type ConvGradientOptions, configureConvGradient, unbroadcast } from './autodiff/rules.js';
export * from './optim/optimizer.js';
export * from './artifacts/train.js';
export * from './artifacts/fold.js';
export * from './artifacts/checkpoint.js';
export * from './artifacts/session.js';
export * from './layers/index.js';
export * from './zoo/index.js';
export * from './quantize/index.js';
