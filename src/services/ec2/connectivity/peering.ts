/**
 * VPC peering: CreateVpcPeeringConnection, AcceptVpcPeeringConnection, RejectVpcPeeringConnection,
 * DeleteVpcPeeringConnection, DescribeVpcPeeringConnections, ModifyVpcPeeringConnectionOptions.
 *
 * AWS rules reproduced:
 * - The requester owns the connection; the accepter VPC may be in another account (PeerOwnerId,
 *   default the caller) and another Region (PeerRegion, default the caller's)
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcPeeringConnection.html).
 * - "If you create a VPC peering connection request between VPCs with overlapping CIDR blocks,
 *   the VPC peering connection has a status of failed" (same page): the call succeeds and the
 *   connection shows Status {Code "failed", Message "Failed due to incorrect VPC-ID, Account ID,
 *   or overlapping CIDR range"}, AWS's message as users quote it (the same status answers an
 *   accepter VPC that does not exist in the named account and Region).
 * - Lifecycle (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-lifecycle):
 *   the create response says initiating-request ("Initiating Request to <accepter>"); the
 *   connection then waits in pending-acceptance ("Pending Acceptance by <accepter>"), expires
 *   after 7 days (ExpirationTime; evaluated on read), becomes active ("Active") when the
 *   accepter accepts, rejected when it rejects, deleted when either side deletes it.
 * - Only the accepter account accepts or rejects, and it does so in the accepter's Region
 *   (https://docs.aws.amazon.com/vpc/latest/peering/accept-vpc-peering-connection.html); in any
 *   other Region the connection is not visible to it (InvalidVpcPeeringConnectionID.NotFound).
 * - DeleteVpcPeeringConnection: "Either the owner of the requester VPC or the owner of the
 *   accepter VPC can delete the VPC peering connection if it's in the active state. The owner of
 *   the requester VPC can delete a VPC peering connection in the pending-acceptance state. You
 *   cannot delete a VPC peering connection that's in the failed or rejected state."
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpcPeeringConnection.html);
 *   otherwise InvalidStateTransition.
 * - The accepter's CIDR blocks appear in AccepterVpcInfo once the connection is active (before
 *   that AWS shows only OwnerId, VpcId and Region of the accepter, as in the CLI examples of
 *   describe-vpc-peering-connections).
 *
 * Visibility (a design choice): the owner's row lives in the requester's account and Region; a
 * same-Region accepter in another account sees it through the foundation's ec2_shares
 * (shareResource), so route tables in that account can name it; a cross-Region accepter sees it
 * through the family's ec2_remote_views (store.ts).
 * DEVIATION: the rejected message ("Rejected by <account>") and the accept-by-requester wording
 * are not confirmed from a stored AWS answer; the 50-active-peerings-per-VPC quota is not enforced.
 */
import type { VpcPeeringConnection, VpcPeeringConnectionOptionsDescription, VpcPeeringConnectionVpcInfo } from "@aws-sdk/client-ec2";
import { newResourceId, opDefiner, type OperationContext, type StorePort } from "../../../core/index.js";
import type { FilterTable } from "../filters.js";
import {
  describeList,
  applyTagSpecifications,
  checkDryRun,
  getResource,
  notFound,
  putResource,
  scopeOf,
  shareResource,
  updateResource,
  validateTagSpecifications,
  type Scope,
} from "../foundation/index.js";
import { assertKnownRegion } from "../regions.js";
import { anyOverlap } from "./cidr.js";
import { connectivityErrors as errors } from "./errors.js";
import { addRemoteView, getVisible, homeOf, listVisible, publicDoc } from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

export const PCX = "vpc-peering-connection";
const EXPIRY_MS = 7 * 24 * 3600 * 1000;
const FAILED_MESSAGE = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range";

type StoredPcx = Omit<VpcPeeringConnection, "Tags" | "ExpirationTime" | "Status"> & {
  VpcPeeringConnectionId: string;
  RequesterVpcInfo: VpcPeeringConnectionVpcInfo & { OwnerId: string; Region: string; VpcId: string };
  AccepterVpcInfo: VpcPeeringConnectionVpcInfo & { OwnerId: string; Region: string; VpcId: string };
  Status: { Code: string; Message: string };
  ExpirationTime?: string;
};

interface VpcLike {
  VpcId: string;
  OwnerId: string;
  CidrBlock: string;
  CidrBlockAssociationSet?: Array<{ CidrBlock?: string; CidrBlockState?: { State?: string } }>;
  Ipv6CidrBlockAssociationSet?: Array<{ Ipv6CidrBlock?: string; Ipv6CidrBlockState?: { State?: string } }>;
}

const defaultOptions = (): VpcPeeringConnectionOptionsDescription => ({
  AllowDnsResolutionFromRemoteVpc: false,
  AllowEgressFromLocalClassicLinkToRemoteVpc: false,
  AllowEgressFromLocalVpcToRemoteClassicLink: false,
});

const ipv4Of = (vpc: VpcLike): string[] => {
  const set = (vpc.CidrBlockAssociationSet ?? []).filter((a) => (a.CidrBlockState?.State ?? "associated") === "associated").map((a) => a.CidrBlock!);
  return set.length ? set : [vpc.CidrBlock];
};

const vpcInfo = (vpc: VpcLike, region: string): StoredPcx["RequesterVpcInfo"] => {
  const ipv6 = (vpc.Ipv6CidrBlockAssociationSet ?? []).filter((a) => a.Ipv6CidrBlockState?.State === "associated").map((a) => a.Ipv6CidrBlock!);
  return {
    CidrBlock: vpc.CidrBlock,
    CidrBlockSet: ipv4Of(vpc).map((CidrBlock) => ({ CidrBlock })),
    ...(ipv6.length ? { Ipv6CidrBlockSet: ipv6.map((Ipv6CidrBlock) => ({ Ipv6CidrBlock })) } : {}),
    OwnerId: vpc.OwnerId,
    PeeringOptions: defaultOptions(),
    VpcId: vpc.VpcId,
    Region: region,
  };
};

/** The connection as its reader sees it now: pending requests past ExpirationTime are expired. */
const effective = (doc: StoredPcx, now: number): StoredPcx => {
  if (doc.Status.Code === "pending-acceptance" && doc.ExpirationTime && Date.parse(doc.ExpirationTime) <= now) {
    return { ...doc, Status: { Code: "expired", Message: "Expired" } };
  }
  return doc;
};

/** The wire shape: the accepter's CIDRs and options only once the connection is active. */
const render = (doc: StoredPcx): VpcPeeringConnection => {
  const out = publicDoc(doc) as VpcPeeringConnection;
  if (doc.Status.Code !== "active") {
    const a = doc.AccepterVpcInfo;
    out.AccepterVpcInfo = { OwnerId: a.OwnerId, VpcId: a.VpcId, Region: a.Region };
  }
  return out;
};

const requireId = (id: string | undefined): string => {
  if (!id) throw errors.missing("VpcPeeringConnectionId");
  return id;
};

/** The connection as the caller sees it in its Region (owner, share or remote view), with its home scope. */
const visiblePcx = (ctx: OperationContext, id: string): { doc: StoredPcx; home: Scope } => {
  const scope = scopeOf(ctx);
  const doc = getVisible<StoredPcx>(ctx.store, scope, PCX, id);
  const home = doc && homeOf(ctx.store, scope, PCX, id);
  if (!doc || !home) throw notFound(PCX, id);
  return { doc: effective(doc, ctx.clock.now()), home };
};

const setStatus = (store: StorePort, home: Scope, id: string, code: string, message: string): StoredPcx =>
  updateResource<StoredPcx>(store, home, PCX, id, (d) => {
    d.Status = { Code: code, Message: message };
    if (code !== "pending-acceptance") delete d.ExpirationTime;
  })!;

const isAccepter = (ctx: OperationContext, doc: StoredPcx): boolean =>
  doc.AccepterVpcInfo.OwnerId === ctx.accountId && doc.AccepterVpcInfo.Region === ctx.region;
const isRequester = (ctx: OperationContext, doc: StoredPcx): boolean =>
  doc.RequesterVpcInfo.OwnerId === ctx.accountId && doc.RequesterVpcInfo.Region === ctx.region;

export const createVpcPeeringConnection = defineOp("CreateVpcPeeringConnection", (input, ctx) => {
  const scope = scopeOf(ctx);
  if (!input.VpcId) throw errors.missing("VpcId");
  if (!input.PeerVpcId) throw errors.missing("PeerVpcId");
  const vpc = getResource<VpcLike>(ctx.store, scope, "vpc", input.VpcId, { owned: true });
  if (!vpc) throw notFound("vpc", input.VpcId);
  const peerOwner = input.PeerOwnerId ?? ctx.accountId;
  if (!/^\d{12}$/.test(peerOwner)) throw errors.invalidValue(`Invalid value '${peerOwner}' for peerOwnerId. It must be a 12-digit AWS account ID.`);
  const peerRegion = input.PeerRegion ?? ctx.region;
  assertKnownRegion(peerRegion);
  validateTagSpecifications(input.TagSpecifications, [PCX]);
  checkDryRun(input);

  const peerScope: Scope = { accountId: peerOwner, region: peerRegion };
  const peerVpc = getResource<VpcLike>(ctx.store, peerScope, "vpc", input.PeerVpcId, { owned: true });
  const id = newResourceId("pcx");
  const requester = vpcInfo(vpc, ctx.region);
  const accepter = peerVpc
    ? vpcInfo(peerVpc, peerRegion)
    : { OwnerId: peerOwner, VpcId: input.PeerVpcId, Region: peerRegion };
  const failed = !peerVpc || anyOverlap(ipv4Of(vpc), ipv4Of(peerVpc));
  const doc: StoredPcx = {
    VpcPeeringConnectionId: id,
    RequesterVpcInfo: requester,
    AccepterVpcInfo: accepter as StoredPcx["AccepterVpcInfo"],
    Status: failed
      ? { Code: "failed", Message: FAILED_MESSAGE }
      : { Code: "pending-acceptance", Message: `Pending Acceptance by ${peerOwner}` },
    ...(failed ? {} : { ExpirationTime: new Date(ctx.clock.now() + EXPIRY_MS).toISOString() }),
  };
  // No parent: a peering connection (in any state) does not stop DeleteVpc.
  putResource(ctx.store, scope, PCX, id, doc);
  if (!failed) {
    if (peerRegion !== ctx.region) addRemoteView(ctx.store, id, PCX, peerScope, scope);
    else if (peerOwner !== ctx.accountId) shareResource(ctx.store, id, peerOwner, `vpc-peering/${id}`);
  }
  const tags = applyTagSpecifications(ctx.store, scope, PCX, id, input.TagSpecifications);
  const out = render(doc);
  if (!failed) out.Status = { Code: "initiating-request", Message: `Initiating Request to ${peerOwner}` } as VpcPeeringConnection["Status"];
  return { VpcPeeringConnection: { ...out, Tags: tags } };
});

export const acceptVpcPeeringConnection = defineOp("AcceptVpcPeeringConnection", (input, ctx) => {
  const id = requireId(input.VpcPeeringConnectionId);
  const { doc, home } = visiblePcx(ctx, id);
  if (!isAccepter(ctx, doc)) {
    throw errors.operationNotPermitted(`User ${ctx.accountId} cannot accept peering ${id}`);
  }
  if (doc.Status.Code !== "pending-acceptance") throw errors.invalidStateTransition(id, doc.Status.Code, "active");
  checkDryRun(input);
  // The accepter VPC's blocks as they are now (they may have changed since the request).
  const accepterVpc = getResource<VpcLike>(ctx.store, scopeOf(ctx), "vpc", doc.AccepterVpcInfo.VpcId, { owned: true });
  const next = updateResource<StoredPcx>(ctx.store, home, PCX, id, (d) => {
    if (accepterVpc) d.AccepterVpcInfo = vpcInfo(accepterVpc, doc.AccepterVpcInfo.Region);
    d.Status = { Code: "active", Message: "Active" };
    delete d.ExpirationTime;
  })!;
  return { VpcPeeringConnection: render(next) };
});

export const rejectVpcPeeringConnection = defineOp("RejectVpcPeeringConnection", (input, ctx) => {
  const id = requireId(input.VpcPeeringConnectionId);
  const { doc, home } = visiblePcx(ctx, id);
  if (!isAccepter(ctx, doc)) throw errors.operationNotPermitted(`User ${ctx.accountId} cannot reject peering ${id}`);
  if (doc.Status.Code !== "pending-acceptance") throw errors.invalidStateTransition(id, doc.Status.Code, "rejected");
  checkDryRun(input);
  setStatus(ctx.store, home, id, "rejected", `Rejected by ${ctx.accountId}`);
  return { Return: true };
});

export const deleteVpcPeeringConnection = defineOp("DeleteVpcPeeringConnection", (input, ctx) => {
  const id = requireId(input.VpcPeeringConnectionId);
  const { doc, home } = visiblePcx(ctx, id);
  const code = doc.Status.Code;
  const allowed = code === "active" || (code === "pending-acceptance" && isRequester(ctx, doc));
  if (!allowed) {
    if (code === "pending-acceptance") throw errors.operationNotPermitted(`User ${ctx.accountId} cannot delete peering ${id} while it is pending acceptance`);
    throw errors.invalidStateTransition(id, code, "deleting");
  }
  checkDryRun(input);
  setStatus(ctx.store, home, id, "deleted", `Deleted by ${ctx.accountId}`);
  return { Return: true };
});

const pick = (f: (d: StoredPcx) => string | string[] | undefined) => f;
const pcxFilters: FilterTable<StoredPcx> = {
  "accepter-vpc-info.cidr-block": pick((d) => (d.Status.Code === "active" ? (d.AccepterVpcInfo.CidrBlockSet ?? []).map((c) => c.CidrBlock!) : undefined)),
  "accepter-vpc-info.owner-id": pick((d) => d.AccepterVpcInfo.OwnerId),
  "accepter-vpc-info.vpc-id": pick((d) => d.AccepterVpcInfo.VpcId),
  "expiration-time": pick((d) => d.ExpirationTime),
  "requester-vpc-info.cidr-block": pick((d) => (d.RequesterVpcInfo.CidrBlockSet ?? []).map((c) => c.CidrBlock!)),
  "requester-vpc-info.owner-id": pick((d) => d.RequesterVpcInfo.OwnerId),
  "requester-vpc-info.vpc-id": pick((d) => d.RequesterVpcInfo.VpcId),
  "status-code": pick((d) => d.Status.Code),
  "status-message": pick((d) => d.Status.Message),
  "vpc-peering-connection-id": pick((d) => d.VpcPeeringConnectionId),
};

export const describeVpcPeeringConnections = defineOp("DescribeVpcPeeringConnections", (input, ctx) => {
  const now = ctx.clock.now();
  const docs = listVisible<StoredPcx>(ctx.store, scopeOf(ctx), PCX).map((d) => effective(d, now));
  const page = describeList(ctx.store, docs, {
    idOf: (d) => d.VpcPeeringConnectionId,
    notFound: (id) => notFound(PCX, id),
    filters: pcxFilters,
    paging: { min: 5, max: 1000 },
  }, {
    ids: input.VpcPeeringConnectionIds,
    idsParameter: "vpcPeeringConnectionIds",
    filters: input.Filters,
    maxResults: input.MaxResults,
    nextToken: input.NextToken,
  });
  checkDryRun(input);
  return {
    VpcPeeringConnections: page.items.map((d) => ({ ...render(d), ...(d.Tags ? { Tags: d.Tags } : {}) })),
    NextToken: page.nextToken,
  };
});

/**
 * ModifyVpcPeeringConnectionOptions: each side sets its own options on an active connection
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcPeeringConnectionOptions.html:
 * "If the peered VPCs are in the same Amazon Web Services account, you can enable DNS resolution
 * for queries from the local VPC... If the peered VPCs are in different accounts, each VPC owner
 * must initiate a separate request to modify the peering connection options.").
 */
export const modifyVpcPeeringConnectionOptions = defineOp("ModifyVpcPeeringConnectionOptions", (input, ctx) => {
  const id = requireId(input.VpcPeeringConnectionId);
  const { doc, home } = visiblePcx(ctx, id);
  if (doc.Status.Code !== "active") {
    throw errors.operationNotPermitted(`Peering ${id} is not active. Peering options can be added only to active peerings.`);
  }
  if (input.RequesterPeeringConnectionOptions && !isRequester(ctx, doc)) {
    throw errors.operationNotPermitted(`User ${ctx.accountId} cannot modify the requester options of peering ${id}`);
  }
  if (input.AccepterPeeringConnectionOptions && !isAccepter(ctx, doc)) {
    throw errors.operationNotPermitted(`User ${ctx.accountId} cannot modify the accepter options of peering ${id}`);
  }
  checkDryRun(input);
  const merge = (cur: VpcPeeringConnectionOptionsDescription | undefined, req: typeof input.RequesterPeeringConnectionOptions) => ({
    ...defaultOptions(),
    ...cur,
    ...Object.fromEntries(Object.entries(req ?? {}).filter(([, v]) => v !== undefined)),
  });
  const next = updateResource<StoredPcx>(ctx.store, home, PCX, id, (d) => {
    if (input.RequesterPeeringConnectionOptions) d.RequesterVpcInfo.PeeringOptions = merge(d.RequesterVpcInfo.PeeringOptions, input.RequesterPeeringConnectionOptions);
    if (input.AccepterPeeringConnectionOptions) d.AccepterVpcInfo.PeeringOptions = merge(d.AccepterVpcInfo.PeeringOptions, input.AccepterPeeringConnectionOptions);
  })!;
  return {
    ...(input.RequesterPeeringConnectionOptions ? { RequesterPeeringConnectionOptions: next.RequesterVpcInfo.PeeringOptions } : {}),
    ...(input.AccepterPeeringConnectionOptions ? { AccepterPeeringConnectionOptions: next.AccepterVpcInfo.PeeringOptions } : {}),
  };
});

export const peeringOperations = [
  createVpcPeeringConnection,
  acceptVpcPeeringConnection,
  rejectVpcPeeringConnection,
  deleteVpcPeeringConnection,
  describeVpcPeeringConnections,
  modifyVpcPeeringConnectionOptions,
];
