/**
 * AWS Resource Access Manager (protocol rest-json). Implemented: resource shares, their
 * associations and invitations, ListResources (shares.ts). Shared EC2 resources become visible to
 * the participant through the ec2_shares seam documented in store.ts.
 */
import type { ServiceDefinition } from "../../core/index.js";
import { shareOperations } from "./shares.js";
import { ramMigrations } from "./store.js";

export const ramService: ServiceDefinition = {
  name: "ram",
  signingName: "ram",
  endpointPrefix: "ram",
  protocol: "rest-json",
  loadSdk: () => import("@aws-sdk/client-ram") as unknown as Promise<Record<string, unknown>>,
  clientClass: "RAMClient",
  operations: shareOperations,
  migrations: ramMigrations,
};
