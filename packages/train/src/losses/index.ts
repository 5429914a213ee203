/** Losses as graph pieces (the `Loss` plug-in of `@instr/models`). */
export * from './losses.js';
