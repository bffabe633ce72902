/**
 * AWS Resource Access Manager (protocol rest-json). Implemented: resource shares, their
 * associations and invitations, ListResources (shares.ts). Shared EC2 resources become visible to
 * the participant through the ec2_shares seam documented in store.ts.
 */
import type { ServiceDefinition } from "../../core/index.js";
import { ramIdentity } from "./identity.js";
import { shareOperations } from "./shares.js";
import { ramMigrations } from "./store.js";

export const ramService: ServiceDefinition = {
  ...ramIdentity,
  operations: shareOperations,
  migrations: ramMigrations,
};
