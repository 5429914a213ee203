export * from './backbones.js';
export * from './build.js';
export * from './config.js';
