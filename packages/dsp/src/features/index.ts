export * from './entropy.js';
export * from './hpss.js';
export * from './median.js';
