import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared';

// The spawn and browser tests need the built bin and app: build them once before the run.
export default mergeConfig(
  sharedTestConfig,
  defineConfig({ test: { globalSetup: ['test/global-setup.ts'] } }),
);
