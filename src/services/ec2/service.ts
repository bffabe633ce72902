/**
 * Amazon EC2 (protocol "ec2"). Operations come from the resource families, each in its own
 * folder: vpc/ (VPCs, subnets, gateways, route tables), security/ (security groups, network
 * ACLs, prefix lists), compute/ (ENIs, instances, instance types, volumes, snapshots),
 * connectivity/ (peering, transit gateways, endpoints, flow logs). foundation/ holds what they
 * share (the resource store, tags, Describe* paging and filters, NotFound errors, the stored
 * network interface document that requester-managed interfaces such as a NAT gateway's use).
 * Every other operation of the model answers NotImplemented.
 */
import type { ServiceDefinition } from "../../core/index.js";
import { ec2Identity } from "./identity.js";
import { describeAvailabilityZones } from "./availability-zones.js";
import * as compute from "./compute/index.js";
import * as connectivity from "./connectivity/index.js";
import { resourceMigrations, tagOperations } from "./foundation/index.js";
import { describeRegions } from "./regions.js";
import * as security from "./security/index.js";
import * as traffic from "./traffic/index.js";
import * as vpc from "./vpc/index.js";

const families = [vpc, security, compute, connectivity, traffic];

export const ec2Service: ServiceDefinition = {
  ...ec2Identity,
  operations: [describeRegions, describeAvailabilityZones, ...tagOperations, ...families.flatMap((f) => f.operations)],
  migrations: [...resourceMigrations, ...families.flatMap((f) => f.migrations)],
  // Probes and flow-log delivery (/_cloudbox/probe, /_cloudbox/flow-logs/flush): traffic/.
  internalRoute: traffic.internalRoute,
  stop: traffic.stop,
};
