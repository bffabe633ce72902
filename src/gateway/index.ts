/** The HTTP front: routing, accounts, body limits, dispatch to codecs and handlers. */
export { createGateway, plainJsonError, DEFAULT_MAX_BODY_BYTES, DEFAULT_REGION, INTERNAL_PREFIX } from "./gateway.js";
export type { Gateway, GatewayOptions } from "./gateway.js";
export { createServiceRegistry } from "./registry.js";
export type { LoadedService, RegisteredService, ServiceRegistry } from "./registry.js";
export { routeRequest, parseCredential, credentialFromAuthorization } from "./routing.js";
export type { Route, Credential } from "./routing.js";
export { DEFAULT_ACCOUNT_ID, isAccountId, rootCaller } from "./accounts.js";
