export * from './entropy.js';
export * from './hpss.js';
export * from './median.js';
export * from './onset.js';
export * from './rhythm.js';
export * from './wavelet.js';
export * from './rhythm-audio.js';
