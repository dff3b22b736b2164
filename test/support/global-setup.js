/**
 * Before any suite: the precompiled cdktf app (lib/precompiled-app.cjs) is built once, here,
 * instead of by each of the several `cdktf deploy` runs that start at once in a clean clone (each
 * would find no bundle and build its own).
 */
const { appBundle } = require('../../lib/precompiled-app.cjs');

module.exports = async () => {
  await appBundle();
};
