import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

// The library (ESM + CJS + types), then the ESM-only commands and the worker-thread entries (`instr tag`'s
// and the HTTP service's), which both the library and the bin load from beside themselves in dist/.
export default defineConfig([
  // Types resolve @instr/infer's Node entry (its `node` condition), as the CLI runs on Node.
  packageBuild(
    { index: 'src/index.ts' },
    { shims: true, dts: { compilerOptions: { customConditions: ['node'] } } },
  ) as never,
  {
    entry: {
      bin: 'src/bin.ts',
      'tag-worker': 'src/tag/worker.ts',
      'server-worker': 'src/server/worker.ts',
    },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'es2022',
    // Commands load their dependencies (Fastify, onnxruntime, @instr/train…) only when they run.
    splitting: true,
    dts: false,
  },
]);
