/** The training loop, batches and run files. */
export * from './batches.js';
export * from './train.js';
export * from './accumulate.js';
export * from './mixup.js';
export * from './warmup-cosine.js';
