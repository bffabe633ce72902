// Imported first by create-cloudbox.ts: set before any @aws-sdk module loads (models load lazily,
// SDK clients built in-process too). Node 20 is supported by the pinned SDK; silence its notice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
export {};
