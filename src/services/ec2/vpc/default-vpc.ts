/**
 * The default VPC, created in an account and Region the first time anything needs it (owned by
 * the vpc family; other families call ensureDefaultVpc before listing or placing resources).
 *
 * What AWS creates (https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html, and
 * data/vpc-facts.json group "defaultVpc"): a VPC 172.31.0.0/16 (IsDefault, enableDnsHostnames
 * true), a /20 default subnet in each Availability Zone (DefaultForAz, MapPublicIpOnLaunch:
 * 172.31.0.0/20, 172.31.16.0/20, … in the order of the account's AZ names), an internet gateway
 * attached to it, a main route table with 0.0.0.0/0 → the internet gateway, the default security
 * group and the default network ACL.
 *
 * Cost when it already exists (or was deleted): one primary-key lookup in ec2_default_vpcs. A
 * default VPC the user deleted is not recreated here; CreateDefaultVpc recreates it
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateDefaultVpc.html).
 */
import { newResourceId, type StorePort } from "../../../core/index.js";
import { putResource, type Scope } from "../foundation/index.js";
import { regionData } from "../regions-data.js";
import { parseIpv4Cidr, subBlock } from "./cidr.js";
import { ATTACHED, IGW, mainRouteTableOf, zonesOf, type InternetGatewayDoc, type VpcDoc } from "./model.js";
import { addRoute } from "./route-tables.js";
import { defaultVpcRecord, setDefaultVpcRecord } from "./store.js";
import { createSubnetResource } from "./subnets.js";
import { createVpcResources } from "./vpcs.js";

export const DEFAULT_VPC_CIDR = "172.31.0.0/16";
export const DEFAULT_SUBNET_PREFIX = 20;

/** Creates the default VPC and its components, records it, and returns it. */
export const createDefaultVpcResources = (store: StorePort, scope: Scope, settings: Readonly<Record<string, unknown>>): VpcDoc => {
  const cidr = parseIpv4Cidr(DEFAULT_VPC_CIDR)!;
  const vpc = createVpcResources(store, scope, { cidr, ipv6: false, tenancy: "default", isDefault: true });
  const igwId = newResourceId("igw");
  const igw: InternetGatewayDoc = { Attachments: [{ State: ATTACHED, VpcId: vpc.VpcId }], InternetGatewayId: igwId, OwnerId: scope.accountId };
  putResource(store, scope, IGW, igwId, igw);
  const main = mainRouteTableOf(store, scope, vpc.VpcId)!;
  addRoute(store, scope, main, { DestinationCidrBlock: "0.0.0.0/0", GatewayId: igwId, Origin: "CreateRoute" });
  zonesOf(settings, scope).forEach((zone, i) => {
    createSubnetResource(store, scope, vpc, {
      cidr: subBlock(cidr, DEFAULT_SUBNET_PREFIX, i),
      zoneId: zone.zoneId,
      defaultForAz: true,
      mapPublicIpOnLaunch: true,
    });
  });
  setDefaultVpcRecord(store, scope, vpc.VpcId);
  return vpc;
};

/** Creates the default VPC and its components unless the scope already has (or deleted) one. */
export const ensureDefaultVpc = (store: StorePort, scope: Scope, settings: Readonly<Record<string, unknown>>): void => {
  if (defaultVpcRecord(store, scope) !== undefined) return;
  if (!regionData(scope.region)) return; // an unknown Region: the handler answers for it
  createDefaultVpcResources(store, scope, settings);
};

/** The id of the scope's default VPC, if it has one (creating it the first time). */
export const defaultVpcId = (store: StorePort, scope: Scope, settings: Readonly<Record<string, unknown>>): string | undefined => {
  ensureDefaultVpc(store, scope, settings);
  return defaultVpcRecord(store, scope) ?? undefined;
};
