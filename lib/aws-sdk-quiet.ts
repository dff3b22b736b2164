/**
 * The SDK warns on every client under Node 20 that SDK releases after January 2027 need Node 22.
 * The kit pins its SDK version, so the warning says nothing to an operator; the upgrade is
 * tracked. Imported (for its effect) before any client is made.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
export {};
