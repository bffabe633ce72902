/**
 * EC2 resource family "vpc": VPCs (and the default VPC), subnets, internet and egress-only
 * internet gateways, Elastic IPs, NAT gateways, route tables. Its operations, its table
 * migrations, and the plain functions other families and the reachability engine use.
 */
import type { Operation } from "../../../core/index.js";
import { gatewayOperations } from "./gateways.js";
import { routeTableOperations } from "./route-tables.js";
import { vpcMigrations } from "./store.js";
import { subnetOperations } from "./subnets.js";
import { vpcOperations } from "./vpcs.js";

export const operations: readonly Operation[] = [...vpcOperations, ...subnetOperations, ...gatewayOperations, ...routeTableOperations];
export const migrations: readonly string[] = vpcMigrations;

export { defaultVpcId, ensureDefaultVpc } from "./default-vpc.js";
export { addRoute, effectiveRouteTable, effectiveRoutes, removeRoutes, routeState } from "./route-tables.js";
export { availableIpv4Count, RESERVED_PER_SUBNET, subnetInUse } from "./subnets.js";
export { elasticIpsOfNetworkInterface, firstFreeAddress, internetGatewayOf } from "./gateways.js";
export { mainRouteTableOf, routeTablesOf, vpcCidrsOf, type RouteTableDoc, type StoredRoute, type SubnetDoc, type VpcDoc } from "./model.js";
export { vpcCidrs } from "./queries.js";
