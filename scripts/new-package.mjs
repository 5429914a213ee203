#!/usr/bin/env node
// Creates the standard files of a workspace package: node scripts/new-package.mjs <name> "<description>" [dep ...]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';

const [name, description, ...deps] = process.argv.slice(2);
const dir = `packages/${name}`;
mkdirSync(`${dir}/src`, { recursive: true });
const write = (file, text) => existsSync(`${dir}/${file}`) || writeFileSync(`${dir}/${file}`, text);
write(
  'package.json',
  `${JSON.stringify(
    {
      name: `@instr/${name}`,
      version: '0.1.0',
      description,
      license: 'MIT',
      type: 'module',
      sideEffects: false,
      engines: { node: '>=20.19' },
      exports: {
        '.': {
          'instr-source': './src/index.ts',
          import: { types: './dist/index.d.ts', default: './dist/index.js' },
          require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
        },
        './package.json': './package.json',
      },
      main: './dist/index.cjs',
      module: './dist/index.js',
      types: './dist/index.d.ts',
      files: ['dist', 'src', '!src/**/*.test.ts', '!src/**/*.test-d.ts'],
      scripts: {
        build: 'tsup',
        typecheck: 'tsc --noEmit',
        test: 'vitest run',
        bench: 'node --import tsx bench/index.ts',
      },
      dependencies: Object.fromEntries(deps.map((d) => [`@instr/${d}`, 'workspace:*'])),
    },
    null,
    2,
  )}\n`,
);
write(
  'tsconfig.json',
  `${JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src', 'test', 'bench', '*.ts'] }, null, 2)}\n`,
);
write(
  'tsup.config.ts',
  `import { packageBuild } from '../../tsup.shared';\n\nexport default packageBuild();\n`,
);
write(
  'vitest.config.ts',
  `import { sharedTestConfig } from '../../vitest.shared';\n\nexport default sharedTestConfig;\n`,
);
write('src/index.ts', `export {};\n`);
