import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Builds the package once (the ESM bin, the tag worker and the browser app) for the spawn and browser tests. */
export default function setup(): void {
  const dir = join(__dirname, '..');
  execFileSync(process.execPath, [createRequire(__filename).resolve('tsup/dist/cli-default.js')], {
    cwd: dir,
    stdio: 'ignore',
  });
  execFileSync(process.execPath, [join(dir, 'scripts', 'build-app.mjs')], { cwd: dir, stdio: 'inherit' });
}
