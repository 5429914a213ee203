export * from './data/index.js';
export * from './pipeline/index.js';
