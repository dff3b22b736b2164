/**
 * Preloaded (NODE_OPTIONS=--require) into every process npm run bench measures: at exit, writes the
 * process's peak resident memory in KiB to PCM_BENCH_RSS_FILE. Node cannot read a child's peak
 * memory from outside, and the app and the floor must be measured the same way.
 */
'use strict';
const { writeFileSync } = require('node:fs');

const file = process.env.PCM_BENCH_RSS_FILE;
if (file) process.once('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
