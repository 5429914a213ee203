/**
 * `process.argv` without the `--` that `pnpm --filter @instr/default-model <script> -- …` passes through
 * (pnpm 9 forwards it; commander would then read every flag as an operand).
 * @example
 * ```ts
 * new Command().option('--out <dir>').parse(cliArgv());
 * ```
 */
export function cliArgv(argv: readonly string[] = process.argv): string[] {
  return argv[2] === '--' ? [...argv.slice(0, 2), ...argv.slice(3)] : [...argv];
}
