/** Recipes: a small baseline CNN, the Freesound warm-up pipeline. */
export * from './simple-cnn.js';
export * from './freesound.js';
