/**
 * AWS STS (protocol "query"). Regional like the real service (the global endpoint signs
 * us-east-1). Implemented: GetCallerIdentity, AssumeRole, GetSessionToken.
 */
import type { ServiceDefinition } from "../../core/index.js";
import { stsIdentity } from "./identity.js";
import { assumeRole, getCallerIdentity, getSessionToken, resolveStsCaller } from "./credentials.js";
import { stsMigrations } from "./store.js";

export const stsService: ServiceDefinition = {
  ...stsIdentity,
  operations: [getCallerIdentity, assumeRole, getSessionToken],
  migrations: stsMigrations,
  resolveCaller: resolveStsCaller,
};
