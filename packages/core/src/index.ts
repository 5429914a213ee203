/**
 * @packageDocumentation
 * Shared foundation of the instr suite: typed tensors, audio and label types, errors and seeded randomness.
 */
export * from './audio.js';
export * from './dtype.js';
export * from './errors.js';
export * from './instruments.js';
export * from './random.js';
export * from './tensor.js';
export * from './npy.js';
export * from './metadata.js';
export * from './aggregate.js';
