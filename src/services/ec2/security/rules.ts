/**
 * Security group rules: how they are stored, validated, compared and shown.
 *
 * Storage: each rule is its own resource ("security-group-rule", id sgr-…, parent = its group)
 * holding the API's `SecurityGroupRule` shape, so that DescribeSecurityGroupRules, rule tags and
 * rule ids come from the shared resource store. The group's document ("security-group", parent =
 * its VPC) also carries IpPermissions / IpPermissionsEgress, rebuilt from the rules after every
 * change (refreshGroup), so DescribeSecurityGroups and its ip-permission.* filters read one row
 * per group.
 *
 * Rules as AWS states them:
 * - protocols: tcp, udp, icmp, icmpv6, -1 (all) or a protocol number 0..255; numbers 6, 17, 1 and
 *   58 are shown by name; "all" is refused ("Invalid value 'all' for IP protocol. Unknown
 *   protocol.", seen in hashicorp/terraform-provider-aws#1793). For -1 and protocols other than
 *   tcp/udp/icmp/icmpv6, "traffic on all ports is allowed, regardless of any ports you specify"
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html): the rule is
 *   kept with FromPort/ToPort -1, and IpPermissions omit the ports for -1.
 * - tcp/udp need FromPort and ToPort (0..65535, from <= to); icmp/icmpv6 take the ICMP type in
 *   FromPort and the code in ToPort, -1 meaning all (a type of -1 requires a code of -1).
 * - quota: 60 inbound and 60 outbound rules per group, "enforced separately for IPv4 rules and
 *   IPv6 rules ... A rule that references a security group or prefix list ID counts as one rule
 *   for IPv4 and one rule for IPv6"
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups;
 *   data/vpc-facts.json securityGroups.inboundRulesPerGroup).
 * - descriptions: up to 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html).
 */
import type { IpPermission, SecurityGroup, SecurityGroupRule, UserIdGroupPair } from "@aws-sdk/client-ec2";
import type { StorePort } from "../../../core/index.js";
import { arn, commonErrors, newResourceId } from "../../../core/index.js";
import type * as model from "../../../engines/reachability/model.js";
import { getResource, listResources, putResource, updateResource, type Scope } from "../foundation/index.js";
import { notFound } from "../foundation/resource-types.js";
import { canonicalIpv4Cidr, canonicalIpv6Cidr } from "./cidr.js";
import { securityErrors } from "./errors.js";
import { findPrefixList } from "./prefix-list-store.js";

export type StoredRule = Omit<SecurityGroupRule, "Tags">;
export type StoredGroup = Omit<SecurityGroup, "Tags">;

export const RULES_PER_DIRECTION = 60;

export const groupArn = (scope: Scope, id: string): string =>
  arn({ service: "ec2", region: scope.region, account: scope.accountId, resource: `security-group/${id}` });
export const ruleArn = (scope: Scope, id: string): string =>
  arn({ service: "ec2", region: scope.region, account: scope.accountId, resource: `security-group-rule/${id}` });

/** What a rule says, without its id: the unit of comparison for duplicates and revokes. */
export interface RuleSpec {
  IsEgress: boolean;
  IpProtocol: string;
  FromPort: number;
  ToPort: number;
  CidrIpv4?: string;
  CidrIpv6?: string;
  PrefixListId?: string;
  ReferencedGroupInfo?: { GroupId: string; UserId: string; VpcId?: string; VpcPeeringConnectionId?: string; PeeringStatus?: string };
  Description?: string;
}

const PROTOCOL_NAMES: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };

/** "6" → "tcp", "TCP" → "tcp", "-1" → "-1", "50" → "50"; unknown values are InvalidParameterValue. */
export const normalizeProtocol = (value: string | undefined): string => {
  if (value === undefined || value === "") throw commonErrors.missingParameter("ipPermissions.ipProtocol");
  const v = value.toLowerCase();
  if (v === "-1" || v === "tcp" || v === "udp" || v === "icmp" || v === "icmpv6") return v;
  if (/^\d{1,3}$/.test(v) && Number(v) <= 255) return PROTOCOL_NAMES[String(Number(v))] ?? String(Number(v));
  throw securityErrors.unknownProtocol(value);
};

const DESCRIPTION_RE = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;

export const validateDescription = (d: string | undefined, what = "description"): void => {
  if (d === undefined) return;
  if (d.length > 255 || !DESCRIPTION_RE.test(d)) {
    throw commonErrors.invalidParameterValue(
      `Invalid ${what}. Valid descriptions are strings less than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*`,
    );
  }
};

/** Ports of a rule after validation: -1/-1 for "all". */
export const normalizePorts = (protocol: string, from: number | undefined, to: number | undefined): { FromPort: number; ToPort: number } => {
  if (protocol === "tcp" || protocol === "udp") {
    if (from === undefined || to === undefined) throw securityErrors.portsRequired();
    if (from < 0 || from > 65535 || to < 0 || to > 65535 || from > to) {
      throw securityErrors.permissionMalformed(`Invalid ${protocol.toUpperCase()} port range: from port ${from}, to port ${to}`);
    }
    return { FromPort: from, ToPort: to };
  }
  if (protocol === "icmp" || protocol === "icmpv6") {
    const type = from ?? -1;
    const code = to ?? -1;
    if (type < -1 || type > 255 || code < -1 || code > 255) throw securityErrors.permissionMalformed(`Invalid ICMP type ${type} or code ${code}`);
    if (type === -1 && code !== -1) throw securityErrors.permissionMalformed("ICMP code must be -1 when the ICMP type is -1 (all types)");
    return { FromPort: type, ToPort: code };
  }
  return { FromPort: -1, ToPort: -1 };
};

/** The comparison key of a rule: direction, protocol, ports and source/destination. */
export const ruleKey = (r: Pick<RuleSpec, "IsEgress" | "IpProtocol" | "FromPort" | "ToPort" | "CidrIpv4" | "CidrIpv6" | "PrefixListId" | "ReferencedGroupInfo">): string =>
  [
    r.IsEgress ? "e" : "i",
    r.IpProtocol,
    r.FromPort,
    r.ToPort,
    r.CidrIpv4 ?? "",
    r.CidrIpv6 ?? "",
    r.PrefixListId ?? "",
    r.ReferencedGroupInfo ? r.ReferencedGroupInfo.GroupId : "",
  ].join("|");

/** How EC2 names a rule in InvalidPermission.Duplicate ("peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW"). */
export const describeRule = (r: RuleSpec): string => {
  const peer = r.CidrIpv4 ?? r.CidrIpv6 ?? r.PrefixListId ?? r.ReferencedGroupInfo?.GroupId ?? "";
  const proto = r.IpProtocol === "-1" ? "ALL" : r.IpProtocol.toUpperCase();
  return `peer: ${peer}, ${proto}, from port: ${r.FromPort}, to port: ${r.ToPort}, ALLOW`;
};

export interface PermissionContext {
  store: StorePort;
  scope: Scope;
  /** The group the rules are for. */
  group: StoredGroup;
  egress: boolean;
}

/** Is there an active peering connection between two VPCs (connectivity family's resources)? */
const peeringBetween = (store: StorePort, scope: Scope, a: string, b: string): string | undefined => {
  type Pcx = { VpcPeeringConnectionId?: string; Status?: { Code?: string }; RequesterVpcInfo?: { VpcId?: string }; AccepterVpcInfo?: { VpcId?: string } };
  const pcx = listResources<Pcx>(store, scope, "vpc-peering-connection").find(
    (p) =>
      p.Status?.Code === "active" &&
      ((p.RequesterVpcInfo?.VpcId === a && p.AccepterVpcInfo?.VpcId === b) || (p.RequesterVpcInfo?.VpcId === b && p.AccepterVpcInfo?.VpcId === a)),
  );
  return pcx?.VpcPeeringConnectionId;
};

/** Resolves a UserIdGroupPair to the referenced group (same VPC, peered VPC, or another account's group in either). */
const resolvePair = (ctx: PermissionContext, pair: UserIdGroupPair): RuleSpec["ReferencedGroupInfo"] => {
  const owner = pair.UserId && pair.UserId !== ctx.scope.accountId ? pair.UserId : ctx.scope.accountId;
  const ownerScope: Scope = { accountId: owner, region: ctx.scope.region };
  let ref: StoredGroup | undefined;
  if (pair.GroupId) {
    if (!pair.GroupId.startsWith("sg-")) throw securityErrors.groupIdMalformed(pair.GroupId);
    ref = getResource<StoredGroup>(ctx.store, ownerScope, "security-group", pair.GroupId, { owned: true });
    if (!ref) throw notFound("security-group", pair.GroupId);
  } else if (pair.GroupName) {
    // A name is looked up in the rule's own VPC (EC2 resolves names in the group's network).
    ref = listResources<StoredGroup>(ctx.store, ownerScope, "security-group", { parent: ctx.group.VpcId, includeShared: false }).find(
      (g) => g.GroupName === pair.GroupName,
    );
    if (!ref) throw notFound("security-group", pair.GroupName);
  } else {
    throw commonErrors.missingParameter("groupId");
  }
  const info: NonNullable<RuleSpec["ReferencedGroupInfo"]> = { GroupId: ref.GroupId!, UserId: owner };
  if (ref.VpcId !== ctx.group.VpcId) {
    // A group of another VPC may be referenced only across an active peering connection
    // (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html#security-group-referencing).
    // DEVIATION (unconfirmed code): EC2's text "You have specified two resources that belong to
    // different networks." is the one we recall; we answer it as InvalidParameterValue.
    const pcx = peeringBetween(ctx.store, ctx.scope, ctx.group.VpcId!, ref.VpcId!);
    if (!pcx) throw commonErrors.invalidParameterValue("You have specified two resources that belong to different networks.");
    info.VpcId = ref.VpcId;
    info.VpcPeeringConnectionId = pcx;
    info.PeeringStatus = "active";
  }
  return info;
};

/** One IpPermission → the rules it describes (one per source), validated. */
export const rulesOfPermission = (ctx: PermissionContext, perm: IpPermission): RuleSpec[] => {
  const protocol = normalizeProtocol(perm.IpProtocol);
  const ports = normalizePorts(protocol, perm.FromPort, perm.ToPort);
  const base = { IsEgress: ctx.egress, IpProtocol: protocol, ...ports };
  const out: RuleSpec[] = [];
  for (const r of perm.IpRanges ?? []) {
    const cidr = canonicalIpv4Cidr(r.CidrIp ?? "");
    if (!cidr) throw securityErrors.permissionMalformed(`CIDR block ${r.CidrIp ?? ""} is malformed`);
    validateDescription(r.Description);
    out.push({ ...base, CidrIpv4: cidr, Description: r.Description });
  }
  for (const r of perm.Ipv6Ranges ?? []) {
    const cidr = canonicalIpv6Cidr(r.CidrIpv6 ?? "");
    if (!cidr) throw securityErrors.permissionMalformed(`CIDR block ${r.CidrIpv6 ?? ""} is malformed`);
    validateDescription(r.Description);
    out.push({ ...base, CidrIpv6: cidr, Description: r.Description });
  }
  for (const p of perm.PrefixListIds ?? []) {
    const id = p.PrefixListId ?? "";
    if (!findPrefixList(ctx.store, ctx.scope, id)) throw notFound("prefix-list", id);
    validateDescription(p.Description);
    out.push({ ...base, PrefixListId: id, Description: p.Description });
  }
  for (const pair of perm.UserIdGroupPairs ?? []) {
    validateDescription(pair.Description);
    out.push({ ...base, ReferencedGroupInfo: resolvePair(ctx, pair), Description: pair.Description });
  }
  if (out.length === 0) {
    throw securityErrors.permissionMalformed("The permission must specify a source or destination: IpRanges, Ipv6Ranges, PrefixListIds or UserIdGroupPairs");
  }
  return out;
};

// ---------------------------------------------------------------------------------------------
// Storage

export const rulesOf = (store: StorePort, scope: Scope, groupId: string): StoredRule[] =>
  listResources<StoredRule>(store, scope, "security-group-rule", { parent: groupId, includeShared: false });

export const putRule = (store: StorePort, scope: Scope, spec: RuleSpec, groupId: string, id = newResourceId("sgr")): StoredRule => {
  const rule: StoredRule = {
    SecurityGroupRuleId: id,
    GroupId: groupId,
    GroupOwnerId: scope.accountId,
    IsEgress: spec.IsEgress,
    IpProtocol: spec.IpProtocol,
    FromPort: spec.FromPort,
    ToPort: spec.ToPort,
    ...(spec.CidrIpv4 !== undefined ? { CidrIpv4: spec.CidrIpv4 } : {}),
    ...(spec.CidrIpv6 !== undefined ? { CidrIpv6: spec.CidrIpv6 } : {}),
    ...(spec.PrefixListId !== undefined ? { PrefixListId: spec.PrefixListId } : {}),
    ...(spec.ReferencedGroupInfo ? { ReferencedGroupInfo: spec.ReferencedGroupInfo } : {}),
    ...(spec.Description !== undefined ? { Description: spec.Description } : {}),
    SecurityGroupRuleArn: ruleArn(scope, id),
  };
  putResource(store, scope, "security-group-rule", id, rule, { parent: groupId });
  return rule;
};

/** Rules → EC2's IpPermissions: one permission per (protocol, ports), in first-seen order. */
export const toIpPermissions = (rules: readonly StoredRule[]): IpPermission[] => {
  const perms = new Map<string, Required<Pick<IpPermission, "IpRanges" | "Ipv6Ranges" | "PrefixListIds" | "UserIdGroupPairs">> & IpPermission>();
  for (const r of rules) {
    const key = `${r.IpProtocol}|${r.FromPort}|${r.ToPort}`;
    let p = perms.get(key);
    if (!p) {
      p = {
        IpProtocol: r.IpProtocol,
        ...(r.IpProtocol === "-1" ? {} : { FromPort: r.FromPort, ToPort: r.ToPort }),
        UserIdGroupPairs: [],
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
      };
      perms.set(key, p);
    }
    const d = r.Description !== undefined ? { Description: r.Description } : {};
    if (r.CidrIpv4 !== undefined) p.IpRanges.push({ CidrIp: r.CidrIpv4, ...d });
    else if (r.CidrIpv6 !== undefined) p.Ipv6Ranges.push({ CidrIpv6: r.CidrIpv6, ...d });
    else if (r.PrefixListId !== undefined) p.PrefixListIds.push({ PrefixListId: r.PrefixListId, ...d });
    else if (r.ReferencedGroupInfo) {
      const g = r.ReferencedGroupInfo;
      p.UserIdGroupPairs.push({
        ...d,
        UserId: g.UserId,
        GroupId: g.GroupId,
        ...(g.VpcId ? { VpcId: g.VpcId } : {}),
        ...(g.VpcPeeringConnectionId ? { VpcPeeringConnectionId: g.VpcPeeringConnectionId } : {}),
        ...(g.PeeringStatus ? { PeeringStatus: g.PeeringStatus } : {}),
      });
    }
  }
  return [...perms.values()];
};

/** Rebuilds a group's IpPermissions / IpPermissionsEgress from its rules. */
export const refreshGroup = (store: StorePort, scope: Scope, groupId: string): void => {
  const rules = rulesOf(store, scope, groupId);
  updateResource<StoredGroup>(store, scope, "security-group", groupId, (g) => ({
    ...g,
    IpPermissions: toIpPermissions(rules.filter((r) => !r.IsEgress)),
    IpPermissionsEgress: toIpPermissions(rules.filter((r) => r.IsEgress)),
  }));
};

/**
 * Counts toward the per-direction quota (IPv4 and IPv6 separately; group references count in
 * both). A prefix list counts as its MaxEntries in its own family: "if you create a prefix list
 * with 20 maximum entries and you reference that prefix list in a security group rule, this counts
 * as 20 security group rules" (VPC User Guide, amazon-vpc-limits.html, "Maximum number of entries
 * per prefix list"; awsdocs/amazon-vpc-user-guide commit ef4a904).
 */
export const assertRuleQuota = (
  store: StorePort,
  scope: Scope,
  rules: ReadonlyArray<Pick<RuleSpec, "IsEgress" | "CidrIpv4" | "CidrIpv6" | "PrefixListId">>,
  /** ModifyManagedPrefixList: the MaxEntries a list is about to have. */
  override?: { prefixListId: string; maxEntries: number },
): void => {
  for (const egress of [false, true]) {
    let v4 = 0;
    let v6 = 0;
    for (const r of rules) {
      if (r.IsEgress !== egress) continue;
      if (r.CidrIpv4 !== undefined) v4++;
      else if (r.CidrIpv6 !== undefined) v6++;
      else if (r.PrefixListId !== undefined) {
        const found = findPrefixList(store, scope, r.PrefixListId);
        const list = found?.kind === "aws" ? found.aws.list : found?.list;
        const weight = override?.prefixListId === r.PrefixListId ? override.maxEntries : (list?.MaxEntries ?? 1);
        if (list?.AddressFamily === "IPv6") v6 += weight;
        else v4 += weight;
      } else {
        v4++;
        v6++;
      }
    }
    if (v4 > RULES_PER_DIRECTION || v6 > RULES_PER_DIRECTION) throw securityErrors.rulesPerGroupLimit();
  }
};

/** Creates a security group document (no rules yet). */
export const putGroup = (store: StorePort, scope: Scope, id: string, vpcId: string, name: string, description: string): StoredGroup =>
  putResource<StoredGroup>(
    store,
    scope,
    "security-group",
    id,
    {
      GroupId: id,
      GroupName: name,
      Description: description,
      OwnerId: scope.accountId,
      VpcId: vpcId,
      SecurityGroupArn: groupArn(scope, id),
      IpPermissions: [],
      IpPermissionsEgress: [],
    },
    { parent: vpcId },
  );

// ---------------------------------------------------------------------------------------------
// For the path engine (src/engines/reachability/model.ts): a group's rules as plain data.

const toModelRule = (r: StoredRule): model.SecurityGroupRule => ({
  ruleId: r.SecurityGroupRuleId,
  ipProtocol: r.IpProtocol ?? "-1",
  ...(r.IpProtocol === "-1" ? {} : { fromPort: r.FromPort, toPort: r.ToPort }),
  ...(r.CidrIpv4 !== undefined ? { cidrIpv4: r.CidrIpv4 } : {}),
  ...(r.CidrIpv6 !== undefined ? { cidrIpv6: r.CidrIpv6 } : {}),
  ...(r.PrefixListId !== undefined ? { prefixListId: r.PrefixListId } : {}),
  ...(r.ReferencedGroupInfo?.GroupId ? { referencedGroup: { groupId: r.ReferencedGroupInfo.GroupId, userId: r.ReferencedGroupInfo.UserId } } : {}),
  ...(r.Description !== undefined ? { description: r.Description } : {}),
});

/** A security group of the caller's scope as the reachability engine's plain data, or undefined. */
export const securityGroupModel = (store: StorePort, scope: Scope, groupId: string): model.SecurityGroup | undefined => {
  const g = getResource<StoredGroup>(store, scope, "security-group", groupId);
  if (!g) return undefined;
  const rules = listResources<StoredRule>(store, scope, "security-group-rule", { parent: groupId });
  return {
    id: groupId,
    vpcId: g.VpcId!,
    groupName: g.GroupName,
    accountId: g.OwnerId,
    region: scope.region,
    ingress: rules.filter((r) => !r.IsEgress).map(toModelRule),
    egress: rules.filter((r) => r.IsEgress).map(toModelRule),
  };
};

/** Every security group the caller can see, as the engine's plain data. */
export const securityGroupModels = (store: StorePort, scope: Scope): model.SecurityGroup[] => {
  const rules = new Map<string, StoredRule[]>();
  for (const r of listResources<StoredRule>(store, scope, "security-group-rule")) {
    const list = rules.get(r.GroupId!) ?? [];
    list.push(r);
    rules.set(r.GroupId!, list);
  }
  return listResources<StoredGroup>(store, scope, "security-group").map((g) => {
    const rs = rules.get(g.GroupId!) ?? [];
    return {
      id: g.GroupId!,
      vpcId: g.VpcId!,
      groupName: g.GroupName,
      accountId: g.OwnerId,
      region: scope.region,
      ingress: rs.filter((r) => !r.IsEgress).map(toModelRule),
      egress: rs.filter((r) => r.IsEgress).map(toModelRule),
    };
  });
};
