/**
 * AWS RAM resource shares: CreateResourceShare, GetResourceShares, AssociateResourceShare,
 * DisassociateResourceShare, GetResourceShareInvitations, AcceptResourceShareInvitation,
 * RejectResourceShareInvitation, GetResourceShareAssociations, ListResources,
 * DeleteResourceShare.
 *
 * AWS rules reproduced (AWS RAM User Guide, https://docs.aws.amazon.com/ram/latest/userguide/,
 * and the API Reference pages of each action):
 * - A resource share is Regional: its resources are in its Region, and it is seen in that Region
 *   only ("working-with-regional-vs-global.html"); only the owner of a resource can share it.
 * - Shareable here: VPC subnets (ec2:Subnet), transit gateways (ec2:TransitGateway) and
 *   customer-managed prefix lists (ec2:PrefixList), by ARN arn:aws:ec2:<region>:<account>:<type>/<id>
 *   ("shareable.html"). Other types answer InvalidResourceTypeException (a DEVIATION: AWS shares
 *   many more).
 * - Principals outside the owner's organization receive an invitation that they accept or
 *   reject ("working-with-shared-invitations.html"); until they accept, the principal association
 *   is ASSOCIATING and they do not see the resources; after acceptance it is ASSOCIATED and the
 *   resources appear in their own account (a shared subnet shows in DescribeSubnets, with their
 *   own AZ name for its AZ ID, "vpc-sharing.html"). Accepting twice is
 *   ResourceShareInvitationAlreadyAcceptedException; only the receiver sees and answers an
 *   invitation (others: ResourceShareInvitationArnNotFoundException).
 * - AllowExternalPrincipals defaults to true (API_CreateResourceShare.html). Cloudbox models no
 *   AWS Organizations, so every account is external: a share with AllowExternalPrincipals false
 *   cannot name account principals (OperationNotPermittedException). DEVIATION: organization,
 *   OU, IAM role and service principals are not supported.
 * - GetResourceShares and ListResources require resourceOwner SELF | OTHER-ACCOUNTS.
 * - DeleteResourceShare leaves the share in status DELETED; its principals lose access at once.
 * Visibility in EC2 goes through the ec2_shares seam described in store.ts.
 */
import { randomUUID } from "node:crypto";
import type { Resource, ResourceShare, ResourceShareAssociation, ResourceShareInvitation, Tag } from "@aws-sdk/client-ram";
import { arn as makeArn, opDefiner, parseArn, type OperationContext } from "../../core/index.js";
import { ramErrors } from "./errors.js";
import {
  associationsOf,
  ec2ParentOf,
  ec2ResourceExists,
  getInvitation,
  getShare,
  grantEc2Share,
  insertInvitation,
  insertShare,
  invitationsFor,
  pendingInvitation,
  putAssociation,
  revokeEc2Shares,
  setAssociationStatus,
  setInvitationStatus,
  sharesOwnedBy,
  sharesWithPrincipal,
  updateShareDoc,
  type AssociationRow,
  type InvitationRow,
  type ShareRow,
} from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ram")>();

/** The EC2 resource types RAM can share here, by the ARN's resource type. */
const SHAREABLE: Readonly<Record<string, string>> = {
  subnet: "ec2:Subnet",
  "transit-gateway": "ec2:TransitGateway",
  "prefix-list": "ec2:PrefixList",
};

interface StoredShare {
  resourceShareArn: string;
  name: string;
  owningAccountId: string;
  allowExternalPrincipals: boolean;
  status: string;
  statusMessage?: string;
  tags: Tag[];
  creationTime: string;
  lastUpdatedTime: string;
  featureSet: string;
}

const nowIso = (ctx: OperationContext): string => new Date(ctx.clock.now()).toISOString();
const parseDoc = (row: ShareRow): StoredShare => JSON.parse(row.doc) as StoredShare;

const shareOut = (s: StoredShare): ResourceShare => ({
  resourceShareArn: s.resourceShareArn,
  name: s.name,
  owningAccountId: s.owningAccountId,
  allowExternalPrincipals: s.allowExternalPrincipals,
  status: s.status as ResourceShare["status"],
  ...(s.statusMessage ? { statusMessage: s.statusMessage } : {}),
  tags: s.tags,
  creationTime: new Date(s.creationTime),
  lastUpdatedTime: new Date(s.lastUpdatedTime),
  featureSet: s.featureSet as ResourceShare["featureSet"],
});

const associationOut = (a: AssociationRow, share: StoredShare): ResourceShareAssociation => ({
  resourceShareArn: a.share_arn,
  resourceShareName: share.name,
  associatedEntity: a.entity,
  associationType: a.type,
  status: a.status as ResourceShareAssociation["status"],
  creationTime: new Date(a.created),
  lastUpdatedTime: new Date(a.updated),
  external: a.external === 1,
});

const invitationOut = (i: InvitationRow, share: StoredShare | undefined): ResourceShareInvitation => ({
  resourceShareInvitationArn: i.arn,
  resourceShareName: share?.name,
  resourceShareArn: i.share_arn,
  senderAccountId: i.sender,
  receiverAccountId: i.receiver,
  invitationTimestamp: new Date(i.created),
  status: i.status as ResourceShareInvitation["status"],
});

// ---------------------------------------------------------------------------------------------
// Validation

const requireValue = <T>(value: T | undefined, name: string): T => {
  if (value === undefined || value === null || (typeof value === "string" && value === "")) throw ramErrors.missingParameter(name);
  return value;
};

interface ParsedResource {
  arn: string;
  id: string;
  ec2Type: string;
  ramType: string;
}

/** A resource ARN the caller may share: well formed, a shareable type, the caller's, in this Region, existing. */
const parseResource = (ctx: OperationContext, value: string): ParsedResource => {
  const a = parseArn(value);
  if (!a || !a.resource.includes("/")) throw ramErrors.malformedArn(value);
  const [ec2Type, id] = [a.resource.slice(0, a.resource.indexOf("/")), a.resource.slice(a.resource.indexOf("/") + 1)];
  if (a.service !== "ec2" || !SHAREABLE[ec2Type]) throw ramErrors.invalidResourceType(`${a.service}:${ec2Type}`);
  if (a.region !== ctx.region) {
    throw ramErrors.invalidParameter(`The resource ${value} is not in the resource share's Region ${ctx.region}.`);
  }
  if (a.account !== ctx.accountId || !ec2ResourceExists(ctx.store, id, ec2Type, ctx.accountId, ctx.region)) {
    throw ramErrors.unknownResource(`The resource ${value} does not exist or is not owned by account ${ctx.accountId}.`);
  }
  return { arn: value, id, ec2Type, ramType: SHAREABLE[ec2Type] };
};

const validatePrincipals = (ctx: OperationContext, principals: readonly string[], allowExternal: boolean): void => {
  for (const p of principals) {
    if (!/^\d{12}$/.test(p)) {
      throw ramErrors.invalidParameter(`Principal ${p} is not supported by Cloudbox: use a 12-digit AWS account ID.`);
    }
    if (p === ctx.accountId) throw ramErrors.invalidParameter(`The resource share owner ${p} cannot be a principal of its own resource share.`);
    if (!allowExternal) {
      throw ramErrors.operationNotPermitted(`Principal ${p} is outside your organization and the resource share does not allow external principals.`);
    }
  }
};

const SHARE_ARN = /^arn:aws[a-z-]*:ram:[a-z0-9-]+:\d{12}:resource-share\/[0-9a-f-]+$/;

/** A share the caller owns in this Region (UnknownResourceException otherwise). */
const ownedShare = (ctx: OperationContext, arnValue: string | undefined): StoredShare => {
  const value = requireValue(arnValue, "resourceShareArn");
  if (!SHARE_ARN.test(value)) throw ramErrors.malformedArn(value);
  const row = getShare(ctx.store, value);
  if (!row || row.account !== ctx.accountId || row.region !== ctx.region) {
    throw ramErrors.unknownResource(`ResourceShare ${value} could not be found.`);
  }
  return parseDoc(row);
};

// ---------------------------------------------------------------------------------------------
// Association effects (the EC2 seam)

/**
 * Recomputes what a share grants in EC2 (the ec2_shares seam): every ASSOCIATED resource of an
 * ACTIVE share, and the VPC of each shared subnet, to every ASSOCIATED principal. Called after
 * every change of the share, its associations or its invitations.
 */
const syncGrants = (ctx: OperationContext, shareArn: string): void => {
  revokeEc2Shares(ctx.store, shareArn);
  const row = getShare(ctx.store, shareArn);
  if (!row || parseDoc(row).status !== "ACTIVE") return;
  const rows = associationsOf(ctx.store, shareArn);
  const principals = rows.filter((r) => r.type === "PRINCIPAL" && r.status === "ASSOCIATED").map((r) => r.entity);
  const ids = new Set<string>();
  for (const r of rows) {
    if (r.type !== "RESOURCE" || r.status !== "ASSOCIATED") continue;
    const a = parseArn(r.entity)!;
    const type = a.resource.slice(0, a.resource.indexOf("/"));
    const id = a.resource.slice(a.resource.indexOf("/") + 1);
    ids.add(id);
    // A participant sees the VPC that contains a subnet shared with it
    // (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html).
    const parent = type === "subnet" ? ec2ParentOf(ctx.store, id) : undefined;
    if (parent) ids.add(parent);
  }
  for (const p of principals) for (const id of ids) grantEc2Share(ctx.store, id, p, shareArn);
};

const invite = (ctx: OperationContext, shareArn: string, principal: string): void => {
  if (pendingInvitation(ctx.store, shareArn, principal)) return;
  insertInvitation(ctx.store, {
    arn: makeArn({ service: "ram", region: ctx.region, account: ctx.accountId, resource: `resource-share-invitation/${randomUUID()}` }),
    share_arn: shareArn,
    sender: ctx.accountId,
    receiver: principal,
    region: ctx.region,
    status: "PENDING",
    created: nowIso(ctx),
  });
};

const associate = (ctx: OperationContext, share: StoredShare, resources: ParsedResource[], principals: readonly string[]): AssociationRow[] => {
  const now = nowIso(ctx);
  const existing = new Map(associationsOf(ctx.store, share.resourceShareArn).map((a) => [a.entity, a] as const));
  for (const r of resources) {
    putAssociation(ctx.store, { share_arn: share.resourceShareArn, entity: r.arn, type: "RESOURCE", status: "ASSOCIATED", external: 0 }, now);
  }
  for (const p of principals) {
    if (existing.get(p)?.status === "ASSOCIATED") continue;
    putAssociation(ctx.store, { share_arn: share.resourceShareArn, entity: p, type: "PRINCIPAL", status: "ASSOCIATING", external: 1 }, now);
    invite(ctx, share.resourceShareArn, p);
  }
  syncGrants(ctx, share.resourceShareArn);
  const wanted = new Set([...resources.map((r) => r.arn), ...principals]);
  return associationsOf(ctx.store, share.resourceShareArn).filter((a) => wanted.has(a.entity));
};

// ---------------------------------------------------------------------------------------------
// Operations

export const createResourceShare = defineOp("CreateResourceShare", (input, ctx) => {
  const name = requireValue(input.name, "name");
  const allowExternal = input.allowExternalPrincipals ?? true;
  const resources = (input.resourceArns ?? []).map((a) => parseResource(ctx, a));
  const principals = [...new Set(input.principals ?? [])];
  validatePrincipals(ctx, principals, allowExternal);
  const now = nowIso(ctx);
  const shareArn = makeArn({ service: "ram", region: ctx.region, account: ctx.accountId, resource: `resource-share/${randomUUID()}` });
  const share: StoredShare = {
    resourceShareArn: shareArn,
    name,
    owningAccountId: ctx.accountId,
    allowExternalPrincipals: allowExternal,
    status: "ACTIVE",
    tags: input.tags ?? [],
    creationTime: now,
    lastUpdatedTime: now,
    featureSet: "STANDARD",
  };
  insertShare(ctx.store, shareArn, ctx.accountId, ctx.region, share);
  associate(ctx, share, resources, principals);
  return { resourceShare: shareOut(share), ...(input.clientToken ? { clientToken: input.clientToken } : {}) };
});

const page = <T>(items: T[], maxResults: number | undefined, nextToken: string | undefined): { items: T[]; nextToken?: string } => {
  if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 500)) throw ramErrors.invalidMaxResults(maxResults);
  let offset = 0;
  if (nextToken !== undefined) {
    offset = Number(Buffer.from(nextToken, "base64url").toString("utf8"));
    if (!Number.isInteger(offset) || offset < 0) throw ramErrors.invalidNextToken();
  }
  const size = maxResults ?? 500;
  const slice = items.slice(offset, offset + size);
  return { items: slice, ...(offset + size < items.length ? { nextToken: Buffer.from(String(offset + size), "utf8").toString("base64url") } : {}) };
};

const ownerFilter = (value: string | undefined): "SELF" | "OTHER-ACCOUNTS" => {
  const v = requireValue(value, "resourceOwner");
  if (v !== "SELF" && v !== "OTHER-ACCOUNTS") throw ramErrors.invalidParameter(`resourceOwner must be SELF or OTHER-ACCOUNTS, not ${v}.`);
  return v;
};

const visibleShares = (ctx: OperationContext, owner: "SELF" | "OTHER-ACCOUNTS"): StoredShare[] =>
  (owner === "SELF" ? sharesOwnedBy(ctx.store, ctx.accountId, ctx.region) : sharesWithPrincipal(ctx.store, ctx.accountId, ctx.region)).map(parseDoc);

export const getResourceShares = defineOp("GetResourceShares", (input, ctx) => {
  const owner = ownerFilter(input.resourceOwner);
  let shares = visibleShares(ctx, owner);
  if (input.resourceShareArns?.length) shares = shares.filter((s) => input.resourceShareArns!.includes(s.resourceShareArn));
  if (input.resourceShareStatus) shares = shares.filter((s) => s.status === input.resourceShareStatus);
  if (input.name) shares = shares.filter((s) => s.name === input.name);
  for (const f of input.tagFilters ?? []) {
    shares = shares.filter((s) => s.tags.some((t) => t.key === f.tagKey && (!f.tagValues?.length || f.tagValues.includes(t.value ?? ""))));
  }
  const p = page(shares, input.maxResults, input.nextToken);
  return { resourceShares: p.items.map(shareOut), nextToken: p.nextToken };
});

export const associateResourceShare = defineOp("AssociateResourceShare", (input, ctx) => {
  const share = ownedShare(ctx, input.resourceShareArn);
  if (share.status !== "ACTIVE") throw ramErrors.invalidStateTransition(`ResourceShare ${share.resourceShareArn} is in status ${share.status}.`);
  const resources = (input.resourceArns ?? []).map((a) => parseResource(ctx, a));
  const principals = [...new Set(input.principals ?? [])];
  if (resources.length === 0 && principals.length === 0) throw ramErrors.missingParameter("resourceArns or principals");
  validatePrincipals(ctx, principals, share.allowExternalPrincipals);
  const rows = associate(ctx, share, resources, principals);
  return { resourceShareAssociations: rows.map((a) => associationOut(a, share)), ...(input.clientToken ? { clientToken: input.clientToken } : {}) };
});

export const disassociateResourceShare = defineOp("DisassociateResourceShare", (input, ctx) => {
  const share = ownedShare(ctx, input.resourceShareArn);
  const current = new Map(associationsOf(ctx.store, share.resourceShareArn).filter((a) => a.status !== "DISASSOCIATED").map((a) => [a.entity, a] as const));
  const entities = [...(input.resourceArns ?? []), ...(input.principals ?? [])];
  if (entities.length === 0) throw ramErrors.missingParameter("resourceArns or principals");
  for (const e of entities) {
    if (!current.has(e)) throw ramErrors.unknownResource(`${e} is not associated with ResourceShare ${share.resourceShareArn}.`);
  }
  const now = nowIso(ctx);
  for (const e of entities) setAssociationStatus(ctx.store, share.resourceShareArn, e, "DISASSOCIATED", now);
  syncGrants(ctx, share.resourceShareArn);
  const rows = associationsOf(ctx.store, share.resourceShareArn).filter((a) => entities.includes(a.entity));
  return {
    resourceShareAssociations: rows.map((a) => ({ ...associationOut(a, share), status: "DISASSOCIATING" as const })),
    ...(input.clientToken ? { clientToken: input.clientToken } : {}),
  };
});

export const getResourceShareInvitations = defineOp("GetResourceShareInvitations", (input, ctx) => {
  for (const a of input.resourceShareInvitationArns ?? []) {
    if (!/^arn:aws[a-z-]*:ram:[a-z0-9-]+:\d{12}:resource-share-invitation\/[0-9a-f-]+$/.test(a)) throw ramErrors.malformedArn(a);
  }
  let rows = invitationsFor(ctx.store, ctx.accountId, ctx.region);
  if (input.resourceShareInvitationArns?.length) {
    for (const a of input.resourceShareInvitationArns) if (!rows.some((r) => r.arn === a)) throw ramErrors.invitationNotFound(a);
    rows = rows.filter((r) => input.resourceShareInvitationArns!.includes(r.arn));
  }
  if (input.resourceShareArns?.length) rows = rows.filter((r) => input.resourceShareArns!.includes(r.share_arn));
  const p = page(rows, input.maxResults, input.nextToken);
  return {
    resourceShareInvitations: p.items.map((i) => {
      const s = getShare(ctx.store, i.share_arn);
      return invitationOut(i, s ? parseDoc(s) : undefined);
    }),
    nextToken: p.nextToken,
  };
});

/** An invitation addressed to the caller in this Region. */
const myInvitation = (ctx: OperationContext, arnValue: string | undefined): InvitationRow => {
  const value = requireValue(arnValue, "resourceShareInvitationArn");
  if (!/^arn:aws[a-z-]*:ram:[a-z0-9-]+:\d{12}:resource-share-invitation\/[0-9a-f-]+$/.test(value)) throw ramErrors.malformedArn(value);
  const inv = getInvitation(ctx.store, value);
  if (!inv || inv.receiver !== ctx.accountId || inv.region !== ctx.region) throw ramErrors.invitationNotFound(value);
  if (inv.status === "ACCEPTED") throw ramErrors.invitationAlreadyAccepted(value);
  if (inv.status === "REJECTED") throw ramErrors.invitationAlreadyRejected(value);
  return inv;
};

export const acceptResourceShareInvitation = defineOp("AcceptResourceShareInvitation", (input, ctx) => {
  const inv = myInvitation(ctx, input.resourceShareInvitationArn);
  const share = parseDoc(getShare(ctx.store, inv.share_arn)!);
  if (share.status !== "ACTIVE") throw ramErrors.unknownResource(`ResourceShare ${share.resourceShareArn} could not be found.`);
  setInvitationStatus(ctx.store, inv.arn, "ACCEPTED");
  setAssociationStatus(ctx.store, inv.share_arn, ctx.accountId, "ASSOCIATED", nowIso(ctx));
  syncGrants(ctx, inv.share_arn);
  return {
    resourceShareInvitation: invitationOut({ ...inv, status: "ACCEPTED" }, share),
    ...(input.clientToken ? { clientToken: input.clientToken } : {}),
  };
});

export const rejectResourceShareInvitation = defineOp("RejectResourceShareInvitation", (input, ctx) => {
  const inv = myInvitation(ctx, input.resourceShareInvitationArn);
  const row = getShare(ctx.store, inv.share_arn);
  setInvitationStatus(ctx.store, inv.arn, "REJECTED");
  setAssociationStatus(ctx.store, inv.share_arn, ctx.accountId, "DISASSOCIATED", nowIso(ctx));
  syncGrants(ctx, inv.share_arn);
  return {
    resourceShareInvitation: invitationOut({ ...inv, status: "REJECTED" }, row ? parseDoc(row) : undefined),
    ...(input.clientToken ? { clientToken: input.clientToken } : {}),
  };
});

export const getResourceShareAssociations = defineOp("GetResourceShareAssociations", (input, ctx) => {
  const type = requireValue(input.associationType, "associationType");
  if (type !== "PRINCIPAL" && type !== "RESOURCE") throw ramErrors.invalidParameter(`associationType must be PRINCIPAL or RESOURCE, not ${type}.`);
  if (type === "PRINCIPAL" && input.resourceArn) throw ramErrors.invalidParameter("resourceArn can only be used with associationType RESOURCE.");
  if (type === "RESOURCE" && input.principal) throw ramErrors.invalidParameter("principal can only be used with associationType PRINCIPAL.");
  const shares = visibleShares(ctx, "SELF");
  const out: ResourceShareAssociation[] = [];
  for (const s of shares) {
    if (input.resourceShareArns?.length && !input.resourceShareArns.includes(s.resourceShareArn)) continue;
    for (const a of associationsOf(ctx.store, s.resourceShareArn)) {
      if (a.type !== type) continue;
      if (input.resourceArn && a.entity !== input.resourceArn) continue;
      if (input.principal && a.entity !== input.principal) continue;
      if (input.associationStatus && a.status !== input.associationStatus) continue;
      out.push(associationOut(a, s));
    }
  }
  const p = page(out, input.maxResults, input.nextToken);
  return { resourceShareAssociations: p.items, nextToken: p.nextToken };
});

export const listResources = defineOp("ListResources", (input, ctx) => {
  const owner = ownerFilter(input.resourceOwner);
  const shares = visibleShares(ctx, owner).filter((s) => s.status === "ACTIVE");
  const out: Resource[] = [];
  for (const s of shares) {
    if (input.resourceShareArns?.length && !input.resourceShareArns.includes(s.resourceShareArn)) continue;
    const rows = associationsOf(ctx.store, s.resourceShareArn);
    if (input.principal && !rows.some((r) => r.type === "PRINCIPAL" && r.entity === input.principal && r.status !== "DISASSOCIATED")) continue;
    for (const r of rows) {
      if (r.type !== "RESOURCE" || r.status !== "ASSOCIATED") continue;
      const a = parseArn(r.entity)!;
      const ramType = SHAREABLE[a.resource.slice(0, a.resource.indexOf("/"))];
      if (input.resourceType && input.resourceType.toLowerCase() !== ramType.toLowerCase()) continue;
      if (input.resourceArns?.length && !input.resourceArns.includes(r.entity)) continue;
      out.push({
        arn: r.entity,
        type: ramType,
        resourceShareArn: s.resourceShareArn,
        status: "AVAILABLE",
        creationTime: new Date(r.created),
        lastUpdatedTime: new Date(r.updated),
        resourceRegionScope: "REGIONAL",
      });
    }
  }
  const p = page(out, input.maxResults, input.nextToken);
  return { resources: p.items, nextToken: p.nextToken };
});

export const deleteResourceShare = defineOp("DeleteResourceShare", (input, ctx) => {
  const share = ownedShare(ctx, input.resourceShareArn);
  if (share.status === "DELETED") throw ramErrors.unknownResource(`ResourceShare ${share.resourceShareArn} could not be found.`);
  const now = nowIso(ctx);
  for (const a of associationsOf(ctx.store, share.resourceShareArn)) {
    if (a.status !== "DISASSOCIATED") setAssociationStatus(ctx.store, share.resourceShareArn, a.entity, "DISASSOCIATED", now);
  }
  updateShareDoc(ctx.store, share.resourceShareArn, { ...share, status: "DELETED", lastUpdatedTime: now });
  syncGrants(ctx, share.resourceShareArn);
  return { returnValue: true, ...(input.clientToken ? { clientToken: input.clientToken } : {}) };
});

export const shareOperations = [
  createResourceShare,
  getResourceShares,
  associateResourceShare,
  disassociateResourceShare,
  getResourceShareInvitations,
  acceptResourceShareInvitation,
  rejectResourceShareInvitation,
  getResourceShareAssociations,
  listResources,
  deleteResourceShare,
];
