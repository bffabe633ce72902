/**
 * Plain lookups for other families and the reachability engine (no AWS errors thrown: they
 * answer undefined / empty when something does not exist or is not visible to the caller).
 */
import type { StorePort } from "../../../core/index.js";
import { getResource, type Scope } from "../foundation/index.js";
import { VPC, vpcCidrsOf, type VpcDoc } from "./model.js";

/** The IPv4 and IPv6 CIDR blocks associated with a VPC the caller can see. */
export const vpcCidrs = (store: StorePort, scope: Scope, vpcId: string): { ipv4: string[]; ipv6: string[] } | undefined => {
  const vpc = getResource<VpcDoc>(store, scope, VPC, vpcId);
  return vpc ? vpcCidrsOf(vpc) : undefined;
};
