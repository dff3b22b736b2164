/**
 * `npm test`'s first step: the type check (tsc) and the lint (ESLint, type-aware) at once. Each is
 * one single-threaded process that builds its own TypeScript program, so on two cores they finish
 * together in the time of the longer (lint) instead of one after the other. Each one's output is
 * printed as it comes; the step fails, naming which, if either does.
 */
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const bin = (name) => join(__dirname, '..', '..', 'node_modules', '.bin', name);
const CHECKS = [
  { name: 'typecheck (tsc --noEmit)', command: bin('tsc'), args: ['--noEmit', '-p', '.'] },
  { name: 'lint (eslint)', command: bin('eslint'), args: ['--max-warnings', '0', '.'] },
];

Promise.all(
  CHECKS.map(
    (check) =>
      new Promise((resolve) => {
        const child = spawn(check.command, check.args, { cwd: join(__dirname, '..', '..'), stdio: 'inherit' });
        child.on('error', (error) => resolve({ check, ok: false, why: error.message }));
        child.on('close', (code) => resolve({ check, ok: code === 0, why: `exit code ${code}` }));
      }),
  ),
).then((results) => {
  const failed = results.filter((r) => !r.ok);
  for (const { check, why } of failed) process.stderr.write(`${check.name} failed (${why})\n`);
  process.exitCode = failed.length ? 1 : 0;
});
