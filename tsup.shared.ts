import { defineConfig, type Options } from 'tsup';

/** Shared tsup settings: ESM + CJS + .d.ts, built against the published (dist) types of siblings. */
export function packageBuild(entry: Record<string, string> = { index: 'src/index.ts' }, extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: { compilerOptions: { customConditions: [] } },
    sourcemap: true,
    clean: true,
    target: 'es2022',
    treeshake: true,
    splitting: false,
    ...extra,
  });
}
