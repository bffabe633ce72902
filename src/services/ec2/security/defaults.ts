/**
 * The security resources every VPC is born with (owned by the security family; the vpc family
 * calls these when it creates a VPC, including the default VPC).
 */
import type { StorePort } from "../../../core/index.js";
import type { Scope } from "../foundation/index.js";

/** Creates the VPC's default security group; returns its id. */
export const createDefaultSecurityGroup = (_store: StorePort, _scope: Scope, _vpcId: string): string => {
  throw new Error("createDefaultSecurityGroup: not written yet");
};

/** Creates the VPC's default network ACL (allow all, both directions; IPv6 rules when asked); returns its id. */
export const createDefaultNetworkAcl = (_store: StorePort, _scope: Scope, _vpcId: string, _options: { ipv6: boolean }): string => {
  throw new Error("createDefaultNetworkAcl: not written yet");
};

/** Adds the IPv6 allow/deny entries to the default NACL when an IPv6 block is associated later. */
export const addIpv6DefaultNaclEntries = (_store: StorePort, _scope: Scope, _vpcId: string): void => {
  throw new Error("addIpv6DefaultNaclEntries: not written yet");
};
