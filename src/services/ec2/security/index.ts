/**
 * EC2 resource family "security": security groups and their rules, network ACLs, managed prefix
 * lists. Everything is stored in the shared EC2 resource store (foundation/), so this family has
 * no tables of its own.
 */
import type { Operation } from "../../../core/index.js";
import { networkAclOperations } from "./network-acls.js";
import { prefixListOperations } from "./prefix-lists.js";
import { securityGroupOperations } from "./security-groups.js";

export const operations: readonly Operation[] = [...securityGroupOperations, ...networkAclOperations, ...prefixListOperations];
export const migrations: readonly string[] = [];

/** For the path engine: groups and ACLs as src/engines/reachability/model.ts plain data. */
export { securityGroupModel, securityGroupModels } from "./rules.js";
export { networkAclModel, networkAclModels, subnetNetworkAclIds } from "./nacl-store.js";
