// Import first in a test file (before any @aws-sdk module): the pinned SDK supports Node 20; silence its notice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
export {};
