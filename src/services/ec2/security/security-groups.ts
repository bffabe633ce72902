/**
 * Security groups: CreateSecurityGroup, DescribeSecurityGroups, DeleteSecurityGroup,
 * AuthorizeSecurityGroupIngress/Egress, RevokeSecurityGroupIngress/Egress,
 * DescribeSecurityGroupRules, ModifySecurityGroupRules,
 * UpdateSecurityGroupRuleDescriptionsIngress/Egress. Rule storage and validation: rules.ts.
 *
 * AWS rules reproduced (EC2 API Reference pages of each operation):
 * - CreateSecurityGroup (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html):
 *   GroupName and Description up to 255 characters of a-zA-Z0-9, spaces and ._-:/()#,@[]+=&;{}!$*;
 *   the name cannot start with "sg-"; names are unique per VPC (InvalidGroup.Duplicate); "default"
 *   is reserved (InvalidGroup.Reserved); without VpcId the group goes to the default VPC. "When
 *   you create a security group ... it has no inbound rules ... [and] an outbound rule that allows
 *   all outbound traffic" (vpc-facts securityGroups.newGroupRules) — IPv4 only.
 * - DescribeSecurityGroups: GroupNames "[Default VPC] The names of the security groups"; a name
 *   not found there is InvalidGroup.NotFound. MaxResults 5..1000 and not together with GroupIds.
 * - DeleteSecurityGroup: the default group cannot be deleted (CannotDelete, VPC User Guide
 *   default-security-group.html); "If you attempt to delete a security group that is associated
 *   with an instance or network interface, is referenced by another security group in the same
 *   VPC, or has a VPC association, the operation fails with DependencyViolation."
 * - RevokeSecurityGroup*: "If the rule does not exist, ... the request fails" — when none of the
 *   given rules exists the call is InvalidPermission.NotFound; when some exist they are revoked and
 *   the others are returned in UnknownIpPermissions (API_RevokeSecurityGroupIngress.html).
 */
import type { IpPermission, SecurityGroupRule } from "@aws-sdk/client-ec2";
import type { OperationContext, StorePort } from "../../../core/index.js";
import { AwsError, commonErrors, newResourceId, opDefiner } from "../../../core/index.js";
import type { FilterTable } from "../filters.js";
import {
  applyTagSpecifications,
  checkDryRun,
  deleteResource,
  describe,
  getResource,
  listResources,
  notFound,
  scopeOf,
  validateTagSpecifications,
  type Scope,
} from "../foundation/index.js";
import { ensureDefaultVpc } from "../vpc/default-vpc.js";
import { securityErrors } from "./errors.js";
import { exactVpcFilter } from "./narrowing.js";
import {
  assertRuleQuota,
  describeRule,
  normalizePorts,
  normalizeProtocol,
  putGroup,
  putRule,
  refreshGroup,
  ruleKey,
  rulesOf,
  rulesOfPermission,
  validateDescription,
  type RuleSpec,
  type StoredGroup,
  type StoredRule,
} from "./rules.js";
import { canonicalIpv4Cidr, canonicalIpv6Cidr } from "./cidr.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

const SG = "security-group";
const SGR = "security-group-rule";

/** The account's default VPC id in the Region (after ensureDefaultVpc), if it has one. */
const defaultVpcId = (ctx: OperationContext, scope: Scope): string | undefined => {
  ensureDefaultVpc(ctx.store, scope, ctx.settings);
  return listResources<{ VpcId?: string; IsDefault?: boolean }>(ctx.store, scope, "vpc", { includeShared: false }).find((v) => v.IsDefault)?.VpcId;
};

const NAME_RE = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;

const validateGroupText = (value: string | undefined, param: "GroupName" | "GroupDescription"): string => {
  if (value === undefined) throw commonErrors.missingParameter(param);
  if (value.length === 0) throw commonErrors.invalidParameterValue(`Invalid value '' for ${param}. It cannot be empty.`);
  if (value.length > 255) throw commonErrors.invalidParameterValue(`Invalid value '${value}' for ${param}. Length exceeds maximum of 255 characters.`);
  if (!NAME_RE.test(value)) {
    throw commonErrors.invalidParameterValue(
      `Value (${value}) for parameter ${param === "GroupName" ? "groupName" : "GroupDescription"} is invalid. Character sets beyond ASCII are not supported.`,
    );
  }
  return value;
};

/** A group the caller owns, by id (NotFound otherwise; malformed ids are InvalidGroupId.Malformed). */
const ownedGroup = (store: StorePort, scope: Scope, id: string | undefined): StoredGroup => {
  if (!id) throw commonErrors.missingParameter("GroupId");
  if (!id.startsWith("sg-")) throw securityErrors.groupIdMalformed(id);
  const g = getResource<StoredGroup>(store, scope, SG, id, { owned: true });
  if (!g) throw notFound(SG, id);
  return g;
};

/** GroupId, or GroupName in the default VPC (the legacy way several operations accept). */
const groupByIdOrName = (ctx: OperationContext, scope: Scope, id: string | undefined, name: string | undefined): StoredGroup => {
  if (id) return ownedGroup(ctx.store, scope, id);
  if (!name) throw commonErrors.missingParameter("GroupId");
  const vpcId = defaultVpcId(ctx, scope);
  const g = vpcId
    ? listResources<StoredGroup>(ctx.store, scope, SG, { parent: vpcId, includeShared: false }).find((x) => x.GroupName === name)
    : undefined;
  if (!g) throw notFound(SG, name);
  return g;
};

// ---------------------------------------------------------------------------------------------

export const createSecurityGroup = defineOp("CreateSecurityGroup", (input, ctx) => {
  const scope = scopeOf(ctx);
  const name = validateGroupText(input.GroupName, "GroupName");
  const description = validateGroupText(input.Description, "GroupDescription");
  if (name.toLowerCase().startsWith("sg-")) throw commonErrors.invalidParameterValue(`Group names may not be in the format sg-*.`);
  if (name === "default") throw securityErrors.groupReserved();
  let vpcId = input.VpcId;
  if (vpcId) {
    if (!getResource(ctx.store, scope, "vpc", vpcId)) throw notFound("vpc", vpcId);
  } else {
    vpcId = defaultVpcId(ctx, scope);
    if (!vpcId) throw securityErrors.vpcIdNotSpecified();
  }
  if (listResources<StoredGroup>(ctx.store, scope, SG, { parent: vpcId, includeShared: false }).some((g) => g.GroupName === name)) {
    throw securityErrors.groupDuplicate(name, vpcId);
  }
  validateTagSpecifications(input.TagSpecifications, [SG]);
  checkDryRun(input);
  const id = newResourceId("sg");
  putGroup(ctx.store, scope, id, vpcId, name, description);
  putRule(ctx.store, scope, { IsEgress: true, IpProtocol: "-1", FromPort: -1, ToPort: -1, CidrIpv4: "0.0.0.0/0" }, id);
  refreshGroup(ctx.store, scope, id);
  const tags = applyTagSpecifications(ctx.store, scope, SG, id, input.TagSpecifications);
  return { GroupId: id, SecurityGroupArn: getResource<StoredGroup>(ctx.store, scope, SG, id)!.SecurityGroupArn, ...(tags.length ? { Tags: tags } : {}) };
});

type GroupDoc = StoredGroup & { Tags?: Array<{ Key?: string; Value?: string }> };

const permFilters = (perms: (g: GroupDoc) => IpPermission[] | undefined, prefix: string): FilterTable<GroupDoc> => ({
  [`${prefix}cidr`]: (g) => (perms(g) ?? []).flatMap((p) => (p.IpRanges ?? []).map((r) => r.CidrIp ?? "")),
  [`${prefix}from-port`]: (g) => (perms(g) ?? []).flatMap((p) => (p.FromPort === undefined ? [] : [p.FromPort])),
  [`${prefix}to-port`]: (g) => (perms(g) ?? []).flatMap((p) => (p.ToPort === undefined ? [] : [p.ToPort])),
  [`${prefix}protocol`]: (g) => (perms(g) ?? []).map((p) => p.IpProtocol ?? ""),
  [`${prefix}group-id`]: (g) => (perms(g) ?? []).flatMap((p) => (p.UserIdGroupPairs ?? []).map((u) => u.GroupId ?? "")),
  [`${prefix}group-name`]: (g) => (perms(g) ?? []).flatMap((p) => (p.UserIdGroupPairs ?? []).map((u) => u.GroupName ?? "")),
  [`${prefix}user-id`]: (g) => (perms(g) ?? []).flatMap((p) => (p.UserIdGroupPairs ?? []).map((u) => u.UserId ?? "")),
  [`${prefix}ipv6-cidr`]: (g) => (perms(g) ?? []).flatMap((p) => (p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6 ?? "")),
  [`${prefix}prefix-list-id`]: (g) => (perms(g) ?? []).flatMap((p) => (p.PrefixListIds ?? []).map((r) => r.PrefixListId ?? "")),
});

/** DescribeSecurityGroups filters (API_DescribeSecurityGroups.html). */
const groupFilters: FilterTable<GroupDoc> = {
  description: (g) => g.Description,
  "group-id": (g) => g.GroupId,
  "group-name": (g) => g.GroupName,
  "owner-id": (g) => g.OwnerId,
  "vpc-id": (g) => g.VpcId,
  ...permFilters((g) => g.IpPermissions, "ip-permission."),
  ...permFilters((g) => g.IpPermissionsEgress, "egress.ip-permission."),
};

export const describeSecurityGroups = defineOp("DescribeSecurityGroups", (input, ctx) => {
  const scope = scopeOf(ctx);
  ensureDefaultVpc(ctx.store, scope, ctx.settings);
  const names = input.GroupNames ?? [];
  if (names.length && input.MaxResults !== undefined) {
    throw commonErrors.invalidParameterValue("The parameter groupName cannot be used with the parameter maxResults");
  }
  const page = describe<StoredGroup>(
    ctx.store,
    scope,
    { type: SG, idOf: (g) => g.GroupId!, notFound: (id) => notFound(SG, id), filters: groupFilters, paging: { min: 5, max: 1000 }, parent: input.GroupIds?.length ? undefined : exactVpcFilter(input.Filters), sqlFields: { "group-name": "$.GroupName", "group-id": "$.GroupId", "owner-id": "$.OwnerId" } },
    { ids: input.GroupIds, idsParameter: "groupIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  let items = page.items;
  if (names.length) {
    // GroupNames: "[Default VPC] The names of the security groups" (API_DescribeSecurityGroups.html).
    const vpcId = defaultVpcId(ctx, scope);
    for (const n of names) {
      if (!items.some((g) => g.GroupName === n && g.VpcId === vpcId)) {
        throw notFoundInDefaultVpc(n, vpcId);
      }
    }
    items = items.filter((g) => g.VpcId === vpcId && names.includes(g.GroupName!));
  }
  checkDryRun(input);
  return { SecurityGroups: items, NextToken: page.nextToken };
});

/** InvalidGroup.NotFound for a name, with EC2's "in default VPC" wording. */
const notFoundInDefaultVpc = (name: string, vpcId: string | undefined) => {
  const err = notFound(SG, name);
  return new AwsError(err.code, `The security group '${name}' does not exist in default VPC '${vpcId ?? "none"}'`, { status: 400 });
};

export const deleteSecurityGroup = defineOp("DeleteSecurityGroup", (input, ctx) => {
  const scope = scopeOf(ctx);
  const group = groupByIdOrName(ctx, scope, input.GroupId, input.GroupName);
  const id = group.GroupId!;
  if (group.GroupName === "default") throw securityErrors.cannotDeleteDefaultGroup(id);
  // Referenced by another group's rule (same account or another account's group across peering).
  const referencing = listResources<StoredRule>(ctx.store, scope, SGR).some((r) => r.GroupId !== id && r.ReferencedGroupInfo?.GroupId === id);
  if (referencing) throw securityErrors.dependencyViolation(id);
  // Attached to a network interface (the compute family's "network-interface" documents).
  const enis = listResources<{ Groups?: Array<{ GroupId?: string }> }>(ctx.store, scope, "network-interface");
  if (enis.some((e) => (e.Groups ?? []).some((g) => g.GroupId === id))) throw securityErrors.dependencyViolation(id);
  checkDryRun(input);
  for (const r of rulesOf(ctx.store, scope, id)) deleteResource(ctx.store, r.SecurityGroupRuleId!);
  deleteResource(ctx.store, id);
  return { Return: true, GroupId: id };
});

// ---------------------------------------------------------------------------------------------
// Authorize / revoke

interface LegacyPermissionInput {
  IpPermissions?: IpPermission[];
  CidrIp?: string;
  FromPort?: number;
  ToPort?: number;
  IpProtocol?: string;
  SourceSecurityGroupName?: string;
  SourceSecurityGroupOwnerId?: string;
}

/** IpPermissions plus the legacy top-level CidrIp / IpProtocol / ports / SourceSecurityGroup* parameters. */
const permissionsOf = (input: LegacyPermissionInput): IpPermission[] => {
  const perms = [...(input.IpPermissions ?? [])];
  if (input.CidrIp !== undefined || input.SourceSecurityGroupName !== undefined) {
    perms.push({
      IpProtocol: input.IpProtocol ?? "-1",
      FromPort: input.FromPort,
      ToPort: input.ToPort,
      ...(input.CidrIp !== undefined ? { IpRanges: [{ CidrIp: input.CidrIp }] } : {}),
      ...(input.SourceSecurityGroupName !== undefined
        ? { UserIdGroupPairs: [{ GroupName: input.SourceSecurityGroupName, UserId: input.SourceSecurityGroupOwnerId }] }
        : {}),
    });
  }
  if (perms.length === 0) throw commonErrors.missingParameter("IpPermissions");
  return perms;
};

const authorize = (
  ctx: OperationContext,
  input: LegacyPermissionInput & { GroupId?: string; GroupName?: string; DryRun?: boolean; TagSpecifications?: Array<{ ResourceType?: string; Tags?: Array<{ Key?: string; Value?: string }> }> },
  egress: boolean,
): { Return: boolean; SecurityGroupRules: SecurityGroupRule[] } => {
  const scope = scopeOf(ctx);
  const group = egress ? ownedGroup(ctx.store, scope, input.GroupId) : groupByIdOrName(ctx, scope, input.GroupId, input.GroupName);
  const pctx = { store: ctx.store, scope, group, egress };
  const specs = permissionsOf(input).flatMap((p) => rulesOfPermission(pctx, p));
  const existing = rulesOf(ctx.store, scope, group.GroupId!);
  const keys = new Set(existing.map((r) => ruleKey(r as RuleSpec)));
  for (const s of specs) {
    const k = ruleKey(s);
    if (keys.has(k)) throw securityErrors.permissionDuplicate(describeRule(s));
    keys.add(k);
  }
  assertRuleQuota(ctx.store, scope, [...existing.map((r) => ({ IsEgress: !!r.IsEgress, CidrIpv4: r.CidrIpv4, CidrIpv6: r.CidrIpv6, PrefixListId: r.PrefixListId })), ...specs]);
  validateTagSpecifications(input.TagSpecifications, [SGR]);
  checkDryRun(input);
  const created: SecurityGroupRule[] = [];
  for (const s of specs) {
    const rule = putRule(ctx.store, scope, s, group.GroupId!);
    const tags = applyTagSpecifications(ctx.store, scope, SGR, rule.SecurityGroupRuleId!, input.TagSpecifications);
    created.push(tags.length ? { ...rule, Tags: tags } : rule);
  }
  refreshGroup(ctx.store, scope, group.GroupId!);
  return { Return: true, SecurityGroupRules: created };
};

export const authorizeSecurityGroupIngress = defineOp("AuthorizeSecurityGroupIngress", (input, ctx) => authorize(ctx, input, false));

export const authorizeSecurityGroupEgress = defineOp("AuthorizeSecurityGroupEgress", (input, ctx) =>
  authorize(
    ctx,
    {
      ...input,
      CidrIp: input.CidrIp,
      SourceSecurityGroupName: input.SourceSecurityGroupName,
      SourceSecurityGroupOwnerId: input.SourceSecurityGroupOwnerId,
    },
    true,
  ),
);

/** The rule key of a revoke request's rule, without checking that the source still exists. */
const revokeKeys = (ctx: OperationContext, scope: Scope, group: StoredGroup, egress: boolean, perm: IpPermission): Array<{ key: string; perm: IpPermission }> => {
  const protocol = normalizeProtocol(perm.IpProtocol);
  const ports = normalizePorts(protocol, perm.FromPort, perm.ToPort);
  const base = { IsEgress: egress, IpProtocol: protocol, ...ports };
  const out: Array<{ key: string; perm: IpPermission }> = [];
  const one = (spec: RuleSpec, part: Partial<IpPermission>) =>
    out.push({ key: ruleKey(spec), perm: { IpProtocol: protocol, ...(protocol === "-1" ? {} : { FromPort: ports.FromPort, ToPort: ports.ToPort }), ...part } });
  for (const r of perm.IpRanges ?? []) {
    const cidr = canonicalIpv4Cidr(r.CidrIp ?? "");
    if (!cidr) throw securityErrors.permissionMalformed(`CIDR block ${r.CidrIp ?? ""} is malformed`);
    one({ ...base, CidrIpv4: cidr }, { IpRanges: [{ CidrIp: cidr }] });
  }
  for (const r of perm.Ipv6Ranges ?? []) {
    const cidr = canonicalIpv6Cidr(r.CidrIpv6 ?? "");
    if (!cidr) throw securityErrors.permissionMalformed(`CIDR block ${r.CidrIpv6 ?? ""} is malformed`);
    one({ ...base, CidrIpv6: cidr }, { Ipv6Ranges: [{ CidrIpv6: cidr }] });
  }
  for (const p of perm.PrefixListIds ?? []) one({ ...base, PrefixListId: p.PrefixListId }, { PrefixListIds: [{ PrefixListId: p.PrefixListId }] });
  for (const pair of perm.UserIdGroupPairs ?? []) {
    let gid = pair.GroupId;
    if (!gid && pair.GroupName) {
      gid = listResources<StoredGroup>(ctx.store, scope, SG, { parent: group.VpcId, includeShared: false }).find((g) => g.GroupName === pair.GroupName)?.GroupId;
      if (!gid) throw notFound(SG, pair.GroupName);
    }
    one({ ...base, ReferencedGroupInfo: { GroupId: gid ?? "", UserId: pair.UserId ?? scope.accountId } }, { UserIdGroupPairs: [{ GroupId: gid, UserId: pair.UserId }] });
  }
  return out;
};

const revoke = (
  ctx: OperationContext,
  input: LegacyPermissionInput & { GroupId?: string; GroupName?: string; DryRun?: boolean; SecurityGroupRuleIds?: string[] },
  egress: boolean,
) => {
  const scope = scopeOf(ctx);
  const group = egress ? ownedGroup(ctx.store, scope, input.GroupId) : groupByIdOrName(ctx, scope, input.GroupId, input.GroupName);
  const existing = rulesOf(ctx.store, scope, group.GroupId!);
  const toDelete = new Map<string, StoredRule>();
  const unknown: IpPermission[] = [];
  if (input.SecurityGroupRuleIds?.length) {
    if (input.IpPermissions?.length) throw commonErrors.invalidParameterValue("You may not specify both SecurityGroupRuleIds and IpPermissions.");
    for (const id of input.SecurityGroupRuleIds) {
      const r = existing.find((x) => x.SecurityGroupRuleId === id && !!x.IsEgress === egress);
      if (!r) throw notFound(SGR, id);
      toDelete.set(id, r);
    }
  } else {
    const byKey = new Map(existing.map((r) => [ruleKey(r as RuleSpec), r] as const));
    for (const perm of permissionsOf(input)) {
      for (const { key, perm: single } of revokeKeys(ctx, scope, group, egress, perm)) {
        const r = byKey.get(key);
        if (r) toDelete.set(r.SecurityGroupRuleId!, r);
        else unknown.push(single);
      }
    }
    if (toDelete.size === 0) throw securityErrors.permissionNotFound();
  }
  checkDryRun(input);
  for (const id of toDelete.keys()) deleteResource(ctx.store, id);
  refreshGroup(ctx.store, scope, group.GroupId!);
  const revoked = [...toDelete.values()].map((r) => ({
    SecurityGroupRuleId: r.SecurityGroupRuleId,
    GroupId: r.GroupId,
    IsEgress: r.IsEgress,
    IpProtocol: r.IpProtocol,
    FromPort: r.FromPort,
    ToPort: r.ToPort,
    ...(r.CidrIpv4 !== undefined ? { CidrIpv4: r.CidrIpv4 } : {}),
    ...(r.CidrIpv6 !== undefined ? { CidrIpv6: r.CidrIpv6 } : {}),
    ...(r.PrefixListId !== undefined ? { PrefixListId: r.PrefixListId } : {}),
    ...(r.ReferencedGroupInfo?.GroupId ? { ReferencedGroupId: r.ReferencedGroupInfo.GroupId } : {}),
    ...(r.Description !== undefined ? { Description: r.Description } : {}),
  }));
  return { Return: true, ...(unknown.length ? { UnknownIpPermissions: unknown } : {}), RevokedSecurityGroupRules: revoked };
};

export const revokeSecurityGroupIngress = defineOp("RevokeSecurityGroupIngress", (input, ctx) => revoke(ctx, input, false));
export const revokeSecurityGroupEgress = defineOp("RevokeSecurityGroupEgress", (input, ctx) => revoke(ctx, input, true));

// ---------------------------------------------------------------------------------------------
// Rules by id

type RuleDoc = StoredRule & { Tags?: Array<{ Key?: string; Value?: string }> };

/** DescribeSecurityGroupRules filters (API_DescribeSecurityGroupRules.html): group-id, security-group-rule-id, tag:… */
const ruleFilters: FilterTable<RuleDoc> = {
  "group-id": (r) => r.GroupId,
  "security-group-rule-id": (r) => r.SecurityGroupRuleId,
};

export const describeSecurityGroupRules = defineOp("DescribeSecurityGroupRules", (input, ctx) => {
  const scope = scopeOf(ctx);
  const page = describe<StoredRule>(
    ctx.store,
    scope,
    { type: SGR, idOf: (r) => r.SecurityGroupRuleId!, notFound: (id) => notFound(SGR, id), filters: ruleFilters, paging: { min: 5, max: 1000 } },
    { ids: input.SecurityGroupRuleIds, idsParameter: "securityGroupRuleIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  return { SecurityGroupRules: page.items, NextToken: page.nextToken };
});

export const modifySecurityGroupRules = defineOp("ModifySecurityGroupRules", (input, ctx) => {
  const scope = scopeOf(ctx);
  const group = ownedGroup(ctx.store, scope, input.GroupId);
  const existing = rulesOf(ctx.store, scope, group.GroupId!);
  const updates: Array<{ id: string; spec: RuleSpec }> = [];
  for (const u of input.SecurityGroupRules ?? []) {
    const id = u.SecurityGroupRuleId ?? "";
    const current = existing.find((r) => r.SecurityGroupRuleId === id);
    if (!current) throw notFound(SGR, id);
    const req = u.SecurityGroupRule ?? {};
    const perm: IpPermission = {
      IpProtocol: req.IpProtocol,
      FromPort: req.FromPort,
      ToPort: req.ToPort,
      ...(req.CidrIpv4 !== undefined ? { IpRanges: [{ CidrIp: req.CidrIpv4, Description: req.Description }] } : {}),
      ...(req.CidrIpv6 !== undefined ? { Ipv6Ranges: [{ CidrIpv6: req.CidrIpv6, Description: req.Description }] } : {}),
      ...(req.PrefixListId !== undefined ? { PrefixListIds: [{ PrefixListId: req.PrefixListId, Description: req.Description }] } : {}),
      ...(req.ReferencedGroupId !== undefined ? { UserIdGroupPairs: [{ GroupId: req.ReferencedGroupId, Description: req.Description }] } : {}),
    };
    const specs = rulesOfPermission({ store: ctx.store, scope, group, egress: !!current.IsEgress }, perm);
    if (specs.length !== 1) throw securityErrors.permissionMalformed("A security group rule must have exactly one source or destination");
    updates.push({ id, spec: specs[0] });
  }
  if (updates.length === 0) throw commonErrors.missingParameter("SecurityGroupRules");
  // Duplicates against the rules that stay.
  const changed = new Set(updates.map((u) => u.id));
  const keys = new Set(existing.filter((r) => !changed.has(r.SecurityGroupRuleId!)).map((r) => ruleKey(r as RuleSpec)));
  for (const u of updates) {
    const k = ruleKey(u.spec);
    if (keys.has(k)) throw securityErrors.permissionDuplicate(describeRule(u.spec));
    keys.add(k);
  }
  assertRuleQuota(ctx.store, scope, [
    ...existing
      .filter((r) => !changed.has(r.SecurityGroupRuleId!))
      .map((r) => ({ IsEgress: !!r.IsEgress, CidrIpv4: r.CidrIpv4, CidrIpv6: r.CidrIpv6, PrefixListId: r.PrefixListId })),
    ...updates.map((u) => u.spec),
  ]);
  checkDryRun(input);
  for (const u of updates) putRule(ctx.store, scope, u.spec, group.GroupId!, u.id);
  refreshGroup(ctx.store, scope, group.GroupId!);
  return { Return: true };
});

const updateDescriptions = (
  ctx: OperationContext,
  input: {
    GroupId?: string;
    GroupName?: string;
    DryRun?: boolean;
    IpPermissions?: IpPermission[];
    SecurityGroupRuleDescriptions?: Array<{ SecurityGroupRuleId?: string; Description?: string }>;
  },
  egress: boolean,
) => {
  const scope = scopeOf(ctx);
  const group = egress ? ownedGroup(ctx.store, scope, input.GroupId) : groupByIdOrName(ctx, scope, input.GroupId, input.GroupName);
  const existing = rulesOf(ctx.store, scope, group.GroupId!).filter((r) => !!r.IsEgress === egress);
  const changes: Array<{ rule: StoredRule; description: string | undefined }> = [];
  for (const d of input.SecurityGroupRuleDescriptions ?? []) {
    const r = existing.find((x) => x.SecurityGroupRuleId === d.SecurityGroupRuleId);
    if (!r) throw notFound(SGR, d.SecurityGroupRuleId ?? "");
    validateDescription(d.Description);
    changes.push({ rule: r, description: d.Description });
  }
  const byKey = new Map(existing.map((r) => [ruleKey(r as RuleSpec), r] as const));
  for (const perm of input.IpPermissions ?? []) {
    const descs = [
      ...(perm.IpRanges ?? []).map((x) => x.Description),
      ...(perm.Ipv6Ranges ?? []).map((x) => x.Description),
      ...(perm.PrefixListIds ?? []).map((x) => x.Description),
      ...(perm.UserIdGroupPairs ?? []).map((x) => x.Description),
    ];
    revokeKeys(ctx, scope, group, egress, perm).forEach(({ key }, i) => {
      const r = byKey.get(key);
      if (!r) throw securityErrors.permissionNotFound();
      validateDescription(descs[i]);
      changes.push({ rule: r, description: descs[i] });
    });
  }
  checkDryRun(input);
  for (const c of changes) {
    const { Description: _d, ...rest } = c.rule;
    putRule(ctx.store, scope, { ...(rest as RuleSpec), IsEgress: !!rest.IsEgress, ...(c.description !== undefined ? { Description: c.description } : {}) }, group.GroupId!, rest.SecurityGroupRuleId);
  }
  refreshGroup(ctx.store, scope, group.GroupId!);
  return { Return: true };
};

export const updateSecurityGroupRuleDescriptionsIngress = defineOp("UpdateSecurityGroupRuleDescriptionsIngress", (input, ctx) => updateDescriptions(ctx, input, false));
export const updateSecurityGroupRuleDescriptionsEgress = defineOp("UpdateSecurityGroupRuleDescriptionsEgress", (input, ctx) => updateDescriptions(ctx, input, true));

/**
 * GetSecurityGroupsForVpc (API_GetSecurityGroupsForVpc.html): "Gets security groups that can be
 * associated by the Amazon Web Services account making the request with network interfaces in
 * the specified VPC." Filters description, group-id, group-name, owner-id, primary-vpc-id;
 * MaxResults 5..1000.
 */
type ForVpcDoc = StoredGroup & { Tags?: Array<{ Key?: string; Value?: string }> };
const forVpcFilters: FilterTable<ForVpcDoc> = {
  description: (g) => g.Description,
  "group-id": (g) => g.GroupId,
  "group-name": (g) => g.GroupName,
  "owner-id": (g) => g.OwnerId,
  "primary-vpc-id": (g) => g.VpcId,
};

export const getSecurityGroupsForVpc = defineOp("GetSecurityGroupsForVpc", (input, ctx) => {
  const scope = scopeOf(ctx);
  if (!input.VpcId) throw commonErrors.missingParameter("VpcId");
  if (!getResource(ctx.store, scope, "vpc", input.VpcId)) throw notFound("vpc", input.VpcId);
  const page = describe<StoredGroup>(
    ctx.store,
    scope,
    { type: SG, idOf: (g) => g.GroupId!, notFound: (id) => notFound(SG, id), filters: forVpcFilters, paging: { min: 5, max: 1000 }, parent: input.VpcId },
    { filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  return {
    SecurityGroupForVpcs: page.items.map((g) => ({
      Description: g.Description,
      GroupName: g.GroupName,
      OwnerId: g.OwnerId,
      GroupId: g.GroupId,
      Tags: g.Tags ?? [],
      PrimaryVpcId: g.VpcId,
    })),
    NextToken: page.nextToken,
  };
});

export const securityGroupOperations = [
  createSecurityGroup,
  describeSecurityGroups,
  deleteSecurityGroup,
  authorizeSecurityGroupIngress,
  authorizeSecurityGroupEgress,
  revokeSecurityGroupIngress,
  revokeSecurityGroupEgress,
  describeSecurityGroupRules,
  modifySecurityGroupRules,
  updateSecurityGroupRuleDescriptionsIngress,
  updateSecurityGroupRuleDescriptionsEgress,
  getSecurityGroupsForVpc,
];

// Used by prefix-lists.ts: is a prefix list referenced by any rule the caller can see?
export const rulesReferencingPrefixList = (store: StorePort, scope: Scope, prefixListId: string): StoredRule[] =>
  listResources<StoredRule>(store, scope, SGR).filter((r) => r.PrefixListId === prefixListId);
