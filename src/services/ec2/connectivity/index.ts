/**
 * EC2 resource family "connectivity": VPC peering, transit gateways, VPC endpoints and flow logs.
 * Its only table is ec2_remote_views (cross-Region visibility, see store.ts); every resource is a
 * row of the foundation's resource store.
 */
import type { Operation } from "../../../core/index.js";
import { endpointOperations } from "./endpoints.js";
import { flowLogOperations } from "./flow-logs.js";
import { peeringOperations } from "./peering.js";
import { connectivityMigrations } from "./store.js";
import { transitGatewayOperations } from "./transit-gateways.js";

export const operations: readonly Operation[] = [...peeringOperations, ...transitGatewayOperations, ...endpointOperations, ...flowLogOperations];
export const migrations: readonly string[] = connectivityMigrations;
