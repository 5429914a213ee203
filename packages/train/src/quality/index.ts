/** Label quality: out-of-fold probabilities, cleanlab-style scores, confident-learning label issues, report. */
export * from './quality.js';
