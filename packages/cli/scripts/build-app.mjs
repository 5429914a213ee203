/**
 * Builds the browser app (app/) into dist/app: an esbuild bundle of app/main.ts, index.html, style.css,
 * and the onnxruntime-web WebAssembly files it loads from ./ort/ (copied, so dist/app works as a static site).
 *   node scripts/build-app.mjs
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'app');
mkdirSync(join(out, 'ort'), { recursive: true });
await build({
  entryPoints: [join(root, 'app', 'main.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  // Workspace packages from their TypeScript sources; onnxruntime-web without its inlined wasm (served from ./ort/).
  conditions: ['instr-source', 'onnxruntime-web-use-extern-wasm'],
  // The WebAssembly backend only (no WebGPU/JSEP build): one .wasm file to serve.
  alias: { 'onnxruntime-web': 'onnxruntime-web/wasm' },
  logLevel: 'warning',
});
for (const f of ['index.html', 'style.css']) copyFileSync(join(root, 'app', f), join(out, f));
const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
for (const f of readdirSync(ortDist)) {
  if (/^ort-wasm-simd-threaded\.(wasm|mjs)$/.test(f)) copyFileSync(join(ortDist, f), join(out, 'ort', f));
}
console.log(`built ${out}`);
