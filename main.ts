/**
 * The cdktf app: `npx cdktf synth` (or deploy) builds the stacks of every environment in
 * environments/ (or PCM_ENVIRONMENTS_DIR), or of one when PCM_ENV names it.
 *
 * cdktf.json does not run this file with a TypeScript loader: it runs lib/precompiled-app.cjs,
 * which bundles it (and what it imports) into .build/app with esbuild when its sources changed,
 * then runs the bundle with plain node.
 */
import { App } from 'cdktf';
import { EnvironmentFilesError } from './config-generator/errors';
import { loadEnvironments } from './config-generator/loader';
import { awsTargetFrom } from './stacks/aws-target';
import { ENV_SELECTOR, selectEnvironments, UnknownEnvironmentError } from './config-generator/select';
import { addEnvironmentStacks } from './stacks/app';
import { withoutTokenStackTraces } from './stacks/token-stack-traces';

try {
  // Load before creating the App, so that a bad config leaves no half-written output behind.
  const all = loadEnvironments(process.env.PCM_ENVIRONMENTS_DIR);
  const selected = selectEnvironments(all, process.env[ENV_SELECTOR]);
  const target = awsTargetFrom(process.env);
  withoutTokenStackTraces(() => {
    const app = new App();
    addEnvironmentStacks(app, selected, { target, peers: all });
    app.synth();
  });
} catch (error) {
  // A config problem is the operator's to fix: show the message, not a stack trace.
  const operatorError = error instanceof EnvironmentFilesError || error instanceof UnknownEnvironmentError;
  process.stderr.write(`${operatorError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
}
