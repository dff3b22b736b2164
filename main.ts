/**
 * The cdktf app: `npx cdktf synth` (or deploy) builds the stacks of every environment in
 * environments/, or of one when PCM_ENV names it.
 */
import { App } from 'cdktf';
import { ConfigError } from './config-generator/errors';
import { loadEnvironments } from './config-generator/loader';
import { addEnvironmentStacks, ENV_SELECTOR, selectEnvironments } from './stacks/app';

try {
  const app = new App();
  addEnvironmentStacks(app, selectEnvironments(loadEnvironments(), process.env[ENV_SELECTOR]));
  app.synth();
} catch (error) {
  // A config problem is the operator's to fix: show the message, not a stack trace.
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
}
