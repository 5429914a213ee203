#!/usr/bin/env node
// Sums every package's vitest JSON report into the single line CI reads: `N passed, M failed`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages', 'tools'].filter((d) => existsSync(d));
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const root of roots) {
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    const pkgFile = join(dir, 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    if (!pkg.scripts?.test) continue;
    const report = join(dir, 'test-results.json');
    if (!existsSync(report)) {
      missing.push(pkg.name);
      continue;
    }
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests ?? 0;
    failed += (r.numFailedTests ?? 0) + (r.numFailedTestSuites ?? 0) - countFailedSuitesWithFailedTests(r);
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`${pkg.name}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  }
}
// A package whose tests never ran (crash, missing report) counts as one failure.
for (const name of missing) console.log(`${name}: no test report (counted as 1 failed)`);
failed += missing.length;
// turbo failed but every report is green: a runner crashed after writing its report (e.g. an unhandled error).
const turboExit = Number(process.argv.find((a) => a.startsWith('--turbo-exit='))?.split('=')[1] ?? 0);
if (turboExit !== 0 && failed === 0) {
  console.log('turbo reported a failing task with no failing test counted (counted as 1 failed)');
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);

/** Suites that failed to load have no tests; suites with failing tests are already counted per test. */
function countFailedSuitesWithFailedTests(r) {
  return (r.testResults ?? []).filter(
    (s) => s.status === 'failed' && (s.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
}
