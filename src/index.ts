/**
 * Cloudbox's public API for embedding:
 *
 *   import { createCloudbox } from "cloudbox";
 *   const cb = await createCloudbox({ port: 0, ephemeral: true });
 *   new STSClient(cb.clientConfig); ... await cb.stop();
 */
export { createCloudbox, DEFAULT_HOST, DEFAULT_PORT } from "./runtime/index.js";
export type { Cloudbox, CloudboxClientConfig, CloudboxOptions, InMemoryRequestHandler } from "./runtime/index.js";
export type { LogLevel, Clock, AdjustableClock, Caller, OperationContext, ServiceDefinition, ServiceRuntime, StorePort, HttpRequest, HttpResponse } from "./core/index.js";
export { AwsError } from "./core/index.js";
export type { Store, StoreOptions } from "./state/index.js";
