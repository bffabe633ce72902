export { createCloudbox, DEFAULT_HOST, DEFAULT_PORT } from "./create-cloudbox.js";
export type { Cloudbox, CloudboxClientConfig, CloudboxOptions } from "./create-cloudbox.js";
export { packageInfo } from "./package-info.js";
export { createInMemoryRequestHandler } from "./in-memory-handler.js";
export type { InMemoryRequestHandler } from "./in-memory-handler.js";
