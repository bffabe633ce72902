/**
 * Network ACLs as stored data: one "network-acl" resource per ACL (parent = its VPC) holding the
 * API's NetworkAcl shape: Entries and Associations included.
 *
 * Rules from the VPC User Guide (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html,
 * data/vpc-facts.json networkAcls.*):
 * - the catch-all deny rules are numbered 32767 (IPv4) and 32768 (IPv6) in the API ("*" in the
 *   console) and can be neither changed nor removed
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-nacls);
 * - the default ACL allows everything with rule 100 (IPv4) and rule 101 (IPv6, only when the VPC
 *   has an IPv6 block); a custom ACL starts with the deny rules only;
 * - every subnet is associated with exactly one ACL; a subnet not explicitly associated uses the
 *   default ACL.
 * Entries are shown egress first, then ingress, each by ascending rule number (the order of the
 * DescribeNetworkAcls example output in the EC2 API Reference).
 */
import type { NetworkAcl, NetworkAclAssociation, NetworkAclEntry } from "@aws-sdk/client-ec2";
import type { StorePort } from "../../../core/index.js";
import { newResourceId } from "../../../core/index.js";
import type * as model from "../../../engines/reachability/model.js";
import { getResource, listResources, putResource, typeOf, updateResource, type Scope } from "../foundation/index.js";

export type StoredAcl = Omit<NetworkAcl, "Tags">;

export const IPV4_DENY_RULE = 32767;
export const IPV6_DENY_RULE = 32768;

export const denyEntries = (ipv6: boolean): NetworkAclEntry[] => {
  const out: NetworkAclEntry[] = [];
  for (const egress of [true, false]) {
    out.push({ RuleNumber: IPV4_DENY_RULE, Protocol: "-1", RuleAction: "deny", Egress: egress, CidrBlock: "0.0.0.0/0" });
    if (ipv6) out.push({ RuleNumber: IPV6_DENY_RULE, Protocol: "-1", RuleAction: "deny", Egress: egress, Ipv6CidrBlock: "::/0" });
  }
  return out;
};

export const sortEntries = (entries: NetworkAclEntry[]): NetworkAclEntry[] =>
  [...entries].sort((a, b) => Number(!!b.Egress) - Number(!!a.Egress) || (a.RuleNumber ?? 0) - (b.RuleNumber ?? 0));

export const putAcl = (store: StorePort, scope: Scope, vpcId: string, isDefault: boolean, entries: NetworkAclEntry[]): StoredAcl => {
  const id = newResourceId("acl");
  return putResource<StoredAcl>(
    store,
    scope,
    "network-acl",
    id,
    { Associations: [], Entries: sortEntries(entries), IsDefault: isDefault, NetworkAclId: id, VpcId: vpcId, OwnerId: scope.accountId },
    { parent: vpcId },
  );
};

export const aclsOfVpc = (store: StorePort, scope: Scope, vpcId: string): StoredAcl[] =>
  listResources<StoredAcl>(store, scope, "network-acl", { parent: vpcId, includeShared: false });

export const defaultAclOf = (store: StorePort, scope: Scope, vpcId: string): StoredAcl | undefined =>
  aclsOfVpc(store, scope, vpcId).find((a) => a.IsDefault);

/** Associations whose subnet still exists (a deleted subnet's association goes with it). */
export const liveAssociations = (store: StorePort, scope: Scope, acl: StoredAcl): NetworkAclAssociation[] =>
  (acl.Associations ?? []).filter((a) => a.SubnetId && typeOf(store, scope, a.SubnetId) === "subnet");

/** Associates a subnet with an ACL, removing any association it had; returns the new association id. */
export const associateSubnet = (store: StorePort, scope: Scope, vpcId: string, aclId: string, subnetId: string): string => {
  for (const acl of aclsOfVpc(store, scope, vpcId)) {
    if ((acl.Associations ?? []).some((a) => a.SubnetId === subnetId)) {
      updateResource<StoredAcl>(store, scope, "network-acl", acl.NetworkAclId!, (d) => ({
        ...d,
        Associations: (d.Associations ?? []).filter((a) => a.SubnetId !== subnetId),
      }));
    }
  }
  const assocId = newResourceId("aclassoc");
  updateResource<StoredAcl>(store, scope, "network-acl", aclId, (d) => ({
    ...d,
    Associations: [...(d.Associations ?? []), { NetworkAclAssociationId: assocId, NetworkAclId: aclId, SubnetId: subnetId }],
  }));
  return assocId;
};

/** The ACL a subnet is associated with (owner scope). */
export const aclOfSubnet = (store: StorePort, scope: Scope, vpcId: string, subnetId: string): StoredAcl | undefined =>
  aclsOfVpc(store, scope, vpcId).find((a) => (a.Associations ?? []).some((x) => x.SubnetId === subnetId));

// ---------------------------------------------------------------------------------------------
// For the path engine (src/engines/reachability/model.ts).

const PROTO_NUMBERS: Record<string, string> = { tcp: "6", udp: "17", icmp: "1", icmpv6: "58" };

/** A network ACL as the reachability engine's plain data (entries include the deny rules). */
export const networkAclModel = (store: StorePort, scope: Scope, aclId: string): model.NetworkAcl | undefined => {
  const a = getResource<StoredAcl>(store, scope, "network-acl", aclId);
  return a ? toModelAcl(a, scope) : undefined;
};

export const toModelAcl = (a: StoredAcl, scope: Scope): model.NetworkAcl => ({
  id: a.NetworkAclId!,
  vpcId: a.VpcId!,
  isDefault: !!a.IsDefault,
  accountId: a.OwnerId,
  region: scope.region,
  entries: (a.Entries ?? []).map((e) => ({
    ruleNumber: e.RuleNumber!,
    egress: !!e.Egress,
    ruleAction: e.RuleAction === "deny" ? "deny" : "allow",
    protocol: PROTO_NUMBERS[e.Protocol ?? ""] ?? e.Protocol ?? "-1",
    ...(e.PortRange ? { portRange: { from: e.PortRange.From ?? 0, to: e.PortRange.To ?? 65535 } } : {}),
    ...(e.IcmpTypeCode ? { icmpTypeCode: { type: e.IcmpTypeCode.Type ?? -1, code: e.IcmpTypeCode.Code ?? -1 } } : {}),
    ...(e.CidrBlock ? { cidrBlock: e.CidrBlock } : {}),
    ...(e.Ipv6CidrBlock ? { ipv6CidrBlock: e.Ipv6CidrBlock } : {}),
  })),
});

/** Every network ACL the caller can see, as the engine's plain data. */
export const networkAclModels = (store: StorePort, scope: Scope): model.NetworkAcl[] =>
  listResources<StoredAcl>(store, scope, "network-acl").map((a) => toModelAcl(a, scope));

/** Subnet id → the id of its network ACL, for every ACL the caller can see (for the engine's Subnet.networkAclId). */
export const subnetNetworkAclIds = (store: StorePort, scope: Scope): Map<string, string> => {
  const out = new Map<string, string>();
  for (const a of listResources<StoredAcl>(store, scope, "network-acl")) {
    for (const x of liveAssociations(store, scope, a)) out.set(x.SubnetId!, a.NetworkAclId!);
  }
  return out;
};
