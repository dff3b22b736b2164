/**
 * The floor of synthesis: an empty cdktf app (one empty stack) in plain node, what any cdktf app
 * costs before it holds a resource. npm run bench runs it beside the kit's app, in the same run, so
 * the kit's numbers read as ratios that hold on a busy machine. Writes to CDKTF_OUTDIR.
 */
'use strict';
const { App, TerraformStack } = require('cdktf');

const app = new App();
new TerraformStack(app, 'empty');
app.synth();
