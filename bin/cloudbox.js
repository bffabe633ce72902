#!/usr/bin/env node
// Thin launcher: runs the compiled CLI (npm ci builds it through the "prepare" script).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
await import("../dist/src/cli/main.js");
