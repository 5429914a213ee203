import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy, type Tensor } from '@instr/core';

/** Repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The `shared/` folder beside the checkout (or `$INSTR_SHARED_DIR`), or undefined when absent.
 * Tests that need real audio use `describe.skipIf(!sharedDir)` and say why in their title.
 */
export const sharedDir: string | undefined = (() => {
  const dir = process.env.INSTR_SHARED_DIR ?? join(repoRoot, '..', 'shared');
  return existsSync(join(dir, 'data')) ? dir : undefined;
})();

/** Path inside shared/ (throws when shared/ is absent: guard with `sharedDir`). */
export function sharedPath(...parts: string[]): string {
  if (!sharedDir) throw new Error('shared/ is not available beside the checkout (set INSTR_SHARED_DIR).');
  return join(sharedDir, ...parts);
}

/** Loads a librosa golden fixture from shared/fixtures/librosa. */
export function librosaFixture(name: string): Tensor {
  return readNpy(
    readFileSync(sharedPath('fixtures', 'librosa', name.endsWith('.npy') ? name : `${name}.npy`)),
  );
}

/**
 * Launch arguments of the browser tests (Debian's `/usr/bin/chromium` through playwright-core): headless as
 * root, and no background traffic, which this machine's closed network would refuse.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
