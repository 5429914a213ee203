export * from './entropy.js';
