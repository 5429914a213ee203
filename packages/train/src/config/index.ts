/** The JSON training config: schema (zod + JSON Schema), validation, overrides, runFromConfig. */
export * from './run.js';
export * from './schema.js';
