/**
 * The one Node.js version the kit's Lambdas run on: the function's `runtime` and esbuild's
 * `target` both come from here, so the bundle never uses syntax the runtime lacks and a runtime
 * upgrade is one line (check rule PCM-LAM-2 holds the runtime against AWS's deprecation table).
 */

/** The Lambda runtime: the newest Node.js that AWS provider 5.100 accepts. */
export const LAMBDA_RUNTIME = 'nodejs22.x';

/** esbuild's target for that runtime. */
export const ESBUILD_TARGET = 'node22';
