/**
 * AWS STS (protocol "query"). Regional like the real service (the global endpoint signs
 * us-east-1). Implemented: GetCallerIdentity, AssumeRole, GetSessionToken.
 */
import type { ServiceDefinition } from "../../core/index.js";
import { assumeRole, getCallerIdentity, getSessionToken, resolveStsCaller } from "./credentials.js";
import { stsMigrations } from "./store.js";

export const stsService: ServiceDefinition = {
  name: "sts",
  signingName: "sts",
  endpointPrefix: "sts",
  protocol: "query",
  loadSdk: () => import("@aws-sdk/client-sts") as unknown as Promise<Record<string, unknown>>,
  clientClass: "STSClient",
  global: false,
  operations: [getCallerIdentity, assumeRole, getSessionToken],
  migrations: stsMigrations,
  resolveCaller: resolveStsCaller,
};
