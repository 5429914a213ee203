export * from './init.js';
export * from './layers.js';
