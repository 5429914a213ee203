/** Export after training: metadata, inference model, weight averaging, predictors and ensembles, embeddings. */
export * from './embeddings.js';
export * from './export.js';
