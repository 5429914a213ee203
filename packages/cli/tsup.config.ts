import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

// The library (ESM + CJS + types), then the ESM-only command and tag worker.
export default defineConfig([
  // Types resolve @instr/infer's Node entry (its `node` condition), as the CLI runs on Node.
  packageBuild(
    { index: 'src/index.ts' },
    { shims: true, dts: { compilerOptions: { customConditions: ['node'] } } },
  ) as never,
  {
    entry: { bin: 'src/bin.ts', 'tag-worker': 'src/tag/worker.ts' },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'es2022',
    // Commands load their dependencies (Fastify, onnxruntime, @instr/train…) only when they run.
    splitting: true,
    dts: false,
  },
]);
