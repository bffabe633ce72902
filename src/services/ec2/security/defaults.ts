/**
 * The security resources every VPC is born with (owned by the security family; the vpc family
 * calls these when it creates a VPC, including the default VPC, and when it creates or deletes a
 * subnet or a VPC).
 *
 * - Default security group (https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html;
 *   data/vpc-facts.json securityGroups.defaultGroup): name "default", description "default VPC
 *   security group", one inbound rule allowing all traffic from the group itself, one outbound
 *   rule allowing all IPv4 traffic, plus all IPv6 (::/0) when the VPC has an IPv6 block.
 * - Default network ACL (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html;
 *   vpc-facts networkAcls.defaultAclRules): rule 100 allows all IPv4 and the * rule (32767)
 *   denies it, both directions; with IPv6, rule 101 allows ::/0 and the * rule 32768 denies it.
 *   "If you associate an IPv6 CIDR block with your VPC ... we automatically add rules that allow
 *   all IPv6 traffic" as long as the default rules were not modified: addIpv6DefaultNaclEntries.
 *
 * Call order for the vpc family: store the VPC document first (so that its IPv6 blocks are
 * visible), then createDefaultSecurityGroup and createDefaultNetworkAcl; for each new subnet,
 * associateDefaultNetworkAcl; on DeleteSubnet, disassociateSubnetNetworkAcl; on DeleteVpc, refuse
 * while blockingSecurityResources(...) is not empty, then deleteVpcSecurityResources.
 */
import type { NetworkAclEntry, Vpc } from "@aws-sdk/client-ec2";
import type { StorePort } from "../../../core/index.js";
import { newResourceId } from "../../../core/index.js";
import type { Scope } from "../foundation/index.js";
import { deleteResource, getResource, listResources, updateResource } from "../foundation/index.js";
import { aclsOfVpc, associateSubnet, defaultAclOf, denyEntries, putAcl, sortEntries, type StoredAcl } from "./nacl-store.js";
import { putGroup, putRule, refreshGroup, rulesOf, type StoredGroup } from "./rules.js";

const vpcHasIpv6 = (store: StorePort, scope: Scope, vpcId: string): boolean => {
  const vpc = getResource<Vpc>(store, scope, "vpc", vpcId, { owned: true });
  return (vpc?.Ipv6CidrBlockAssociationSet ?? []).some((a) => {
    const state = a.Ipv6CidrBlockState?.State;
    return state === undefined || state === "associated" || state === "associating";
  });
};

/** Creates the VPC's default security group; returns its id. */
export const createDefaultSecurityGroup = (store: StorePort, scope: Scope, vpcId: string): string => {
  const id = newResourceId("sg");
  putGroup(store, scope, id, vpcId, "default", "default VPC security group");
  putRule(store, scope, { IsEgress: false, IpProtocol: "-1", FromPort: -1, ToPort: -1, ReferencedGroupInfo: { GroupId: id, UserId: scope.accountId } }, id);
  putRule(store, scope, { IsEgress: true, IpProtocol: "-1", FromPort: -1, ToPort: -1, CidrIpv4: "0.0.0.0/0" }, id);
  if (vpcHasIpv6(store, scope, vpcId)) putRule(store, scope, { IsEgress: true, IpProtocol: "-1", FromPort: -1, ToPort: -1, CidrIpv6: "::/0" }, id);
  refreshGroup(store, scope, id);
  return id;
};

const allowAll = (ipv6: boolean): NetworkAclEntry[] =>
  [true, false].map((egress) =>
    ipv6
      ? { RuleNumber: 101, Protocol: "-1", RuleAction: "allow" as const, Egress: egress, Ipv6CidrBlock: "::/0" }
      : { RuleNumber: 100, Protocol: "-1", RuleAction: "allow" as const, Egress: egress, CidrBlock: "0.0.0.0/0" },
  );

/** Creates the VPC's default network ACL (allow all, both directions; IPv6 rules when asked); returns its id. */
export const createDefaultNetworkAcl = (store: StorePort, scope: Scope, vpcId: string, options: { ipv6: boolean }): string => {
  const entries = [...allowAll(false), ...denyEntries(options.ipv6), ...(options.ipv6 ? allowAll(true) : [])];
  return putAcl(store, scope, vpcId, true, entries).NetworkAclId!;
};

/** Adds the IPv6 allow/deny entries to the default NACL when an IPv6 block is associated later. */
export const addIpv6DefaultNaclEntries = (store: StorePort, scope: Scope, vpcId: string): void => {
  const acl = defaultAclOf(store, scope, vpcId);
  if (!acl) return;
  updateResource<StoredAcl>(store, scope, "network-acl", acl.NetworkAclId!, (d) => {
    const entries = d.Entries ?? [];
    if (entries.some((e) => e.RuleNumber === 32768)) return d; // already dual-stack
    const add: NetworkAclEntry[] = [];
    for (const egress of [true, false]) {
      // Rule 101 only while the default rules are unmodified and 101 is free (vpc-facts:
      // "IPv6 CIDR associated while the default rules were unmodified").
      const unmodified =
        entries.some((e) => e.Egress === egress && e.RuleNumber === 100 && e.RuleAction === "allow" && e.Protocol === "-1" && e.CidrBlock === "0.0.0.0/0") &&
        !entries.some((e) => e.Egress === egress && e.RuleNumber === 101);
      if (unmodified) add.push({ RuleNumber: 101, Protocol: "-1", RuleAction: "allow", Egress: egress, Ipv6CidrBlock: "::/0" });
      add.push({ RuleNumber: 32768, Protocol: "-1", RuleAction: "deny", Egress: egress, Ipv6CidrBlock: "::/0" });
    }
    return { ...d, Entries: sortEntries([...entries, ...add]) };
  });
  // Custom ACLs of the VPC get the IPv6 deny rule too: every ACL ends with the * rules of the
  // address families of its VPC.
  for (const other of aclsOfVpc(store, scope, vpcId)) {
    if (other.IsDefault || (other.Entries ?? []).some((e) => e.RuleNumber === 32768)) continue;
    updateResource<StoredAcl>(store, scope, "network-acl", other.NetworkAclId!, (d) => ({
      ...d,
      Entries: sortEntries([...(d.Entries ?? []), ...denyEntries(true).filter((e) => e.RuleNumber === 32768)]),
    }));
  }
};

/** Associates a new subnet with its VPC's default network ACL (every subnet has exactly one). */
export const associateDefaultNetworkAcl = (store: StorePort, scope: Scope, vpcId: string, subnetId: string): void => {
  const acl = defaultAclOf(store, scope, vpcId);
  if (!acl) throw new Error(`VPC ${vpcId} has no default network ACL: call createDefaultNetworkAcl when creating the VPC`);
  associateSubnet(store, scope, vpcId, acl.NetworkAclId!, subnetId);
};

/** DeleteSubnet: removes the subnet's NACL association. */
export const disassociateSubnetNetworkAcl = (store: StorePort, scope: Scope, vpcId: string, subnetId: string): void => {
  for (const acl of aclsOfVpc(store, scope, vpcId)) {
    if (!(acl.Associations ?? []).some((a) => a.SubnetId === subnetId)) continue;
    updateResource<StoredAcl>(store, scope, "network-acl", acl.NetworkAclId!, (d) => ({
      ...d,
      Associations: (d.Associations ?? []).filter((a) => a.SubnetId !== subnetId),
    }));
  }
};

/** DeleteVpc: the non-default security groups and network ACLs that stop it (DependencyViolation). */
export const blockingSecurityResources = (store: StorePort, scope: Scope, vpcId: string): string[] => [
  ...listResources<StoredGroup>(store, scope, "security-group", { parent: vpcId, includeShared: false })
    .filter((g) => g.GroupName !== "default")
    .map((g) => g.GroupId!),
  ...aclsOfVpc(store, scope, vpcId)
    .filter((a) => !a.IsDefault)
    .map((a) => a.NetworkAclId!),
];

/** DeleteVpc: deletes the default security group (with its rules) and the default network ACL. */
export const deleteVpcSecurityResources = (store: StorePort, scope: Scope, vpcId: string): void => {
  for (const g of listResources<StoredGroup>(store, scope, "security-group", { parent: vpcId, includeShared: false })) {
    for (const r of rulesOf(store, scope, g.GroupId!)) deleteResource(store, r.SecurityGroupRuleId!);
    deleteResource(store, g.GroupId!);
  }
  for (const a of aclsOfVpc(store, scope, vpcId)) deleteResource(store, a.NetworkAclId!);
};
