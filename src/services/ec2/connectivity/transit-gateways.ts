/**
 * Transit gateways: the gateway, its route tables, VPC attachments, peering attachments,
 * associations, propagations, static/blackhole routes and SearchTransitGatewayRoutes.
 *
 * AWS rules reproduced (Transit Gateway guide, https://docs.aws.amazon.com/vpc/latest/tgw/, and
 * the EC2 API Reference pages named below):
 * - CreateTransitGateway defaults (API_TransitGatewayRequestOptions.html): AmazonSideAsn 64512,
 *   AutoAcceptSharedAttachments disable, DefaultRouteTableAssociation enable,
 *   DefaultRouteTablePropagation enable, VpnEcmpSupport enable, DnsSupport enable,
 *   MulticastSupport disable, SecurityGroupReferencingSupport disable. With association or
 *   propagation enabled AWS creates the default route table and names it in
 *   Options.AssociationDefaultRouteTableId / PropagationDefaultRouteTableId
 *   (tgw-route-tables.html "Default route table"). The ASN must be private: 64512-65534 or
 *   4200000000-4294967294 (same page as the options).
 * - Create* answers state "pending" (the gateway, route tables) or "pending"/"initiatingRequest"
 *   (attachments); Cloudbox stores the settled state (available / pendingAcceptance) at once.
 * - DeleteTransitGateway refuses while attachments remain: IncorrectState "tgw-… has
 *   non-deleted Transit Gateway Attachments: tgw-attach-…." (as AWS answers it, quoted in
 *   hashicorp/terraform-provider-aws#7196).
 * - VPC attachments (API_CreateTransitGatewayVpcAttachment.html): "You can specify only one
 *   subnet per Availability Zone" (DuplicateSubnetsInSameZone); "The transit gateway uses one IP
 *   address from each specified subnet" (allocated here); one attachment per VPC and gateway
 *   (DuplicateTransitGatewayAttachment). With the gateway's defaults enabled the attachment is
 *   associated with and propagates to the default route table; "If you attach a VPC with a CIDR
 *   range that overlaps the CIDR range of a VPC that is already attached, the new VPC CIDR range
 *   is not propagated". A VPC in another account (the gateway shared through RAM) creates a
 *   pendingAcceptance attachment unless AutoAcceptSharedAttachments is enabled
 *   (tgw-transit-gateways.html "Auto accept shared attachments").
 * - An attachment has at most one route table association (tgw-route-tables.html: "each
 *   attachment can be associated with one route table"), propagations to any number.
 * - Peering attachments (tgw-peering.html): requested by one gateway's owner, accepted by the
 *   peer's owner in the peer's Region; "Transit gateways do not propagate routes across a
 *   peering attachment: you must add static routes", so propagation from a peering attachment is
 *   refused.
 * - Static routes take precedence over propagated routes for the same destination
 *   (tgw-route-tables.html "Route evaluation order"). SearchTransitGatewayRoutes filters per
 *   API_SearchTransitGatewayRoutes.html (route-search.exact-match, longest-prefix-match,
 *   subnet-of-match, supernet-of-match, state, type, attachment.*; MaxResults 5..1000, default
 *   1000, AdditionalRoutesAvailable when more).
 * DEVIATION: messages of errors not quoted above are Cloudbox's wording; connect, VPN, Direct
 * Connect, multicast, prefix-list references and route table announcements are not modelled.
 */
import type {
  TransitGateway,
  TransitGatewayAttachment,
  TransitGatewayPeeringAttachment,
  TransitGatewayRoute,
  TransitGatewayRouteTable,
  TransitGatewayVpcAttachment,
} from "@aws-sdk/client-ec2";
import { arn, newResourceId, opDefiner, type OperationContext, type StorePort } from "../../../core/index.js";
import { compileFilters, type Ec2Filter, type FilterTable } from "../filters.js";
import {
  describeList,
  applyTagSpecifications,
  checkDryRun,
  deleteResource,
  getResource,
  listResources,
  notFound,
  putResource,
  scopeOf,
  shareResource,
  updateResource,
  validateTagSpecifications,
  type Scope,
} from "../foundation/index.js";
import { assertKnownRegion } from "../regions.js";
import { createEni, destroyEni, type EniDoc } from "../compute/network-interfaces.js";
import { firstFreeAddress, type SubnetDoc } from "../vpc/index.js";
import { parseCidr, within, type Cidr } from "./cidr.js";
import { connectivityErrors as errors } from "./errors.js";
import { addRemoteView, getVisible, homeOf, listVisible, publicDoc, removeRemoteViews } from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

export const TGW = "transit-gateway";
export const ATT = "transit-gateway-attachment";
export const TGW_RTB = "transit-gateway-route-table";

type TgwDoc = Omit<TransitGateway, "Tags" | "CreationTime"> & {
  TransitGatewayId: string;
  OwnerId: string;
  CreationTime: string;
  Options: NonNullable<TransitGateway["Options"]>;
};

interface StaticRoute {
  cidr: string;
  attachmentId?: string;
  blackhole?: boolean;
}

type RtbDoc = Omit<TransitGatewayRouteTable, "Tags" | "CreationTime"> & {
  TransitGatewayRouteTableId: string;
  TransitGatewayId: string;
  CreationTime: string;
  _routes: StaticRoute[];
};

interface TgwInfo {
  TransitGatewayId: string;
  OwnerId: string;
  Region: string;
}

interface AttDoc {
  TransitGatewayAttachmentId: string;
  ResourceType: "vpc" | "peering";
  State: string;
  CreationTime: string;
  /** vpc: the gateway; peering: the requester's gateway. */
  _tgw: string;
  _tgwOwner: string;
  _vpc?: { VpcId: string; VpcOwnerId: string; SubnetIds: string[]; Options: NonNullable<TransitGatewayVpcAttachment["Options"]> };
  _peer?: { RequesterTgwInfo: TgwInfo; AccepterTgwInfo: TgwInfo; Status: { Code: string; Message: string } };
  /** Route table association by gateway id (a peering attachment has one per side). */
  _assoc: Record<string, string>;
  /** Route tables the attachment propagates to, by gateway id. */
  _prop: Record<string, string[]>;
  /** VPC attachments: the requester-managed network interfaces, one per subnet. */
  _enis?: string[];
}

const enableDisable = (value: string | undefined, name: string, dflt: "enable" | "disable"): "enable" | "disable" => {
  if (value === undefined) return dflt;
  if (value !== "enable" && value !== "disable") throw errors.invalidValue(`Value (${value}) for parameter ${name} is invalid. Valid values: enable, disable.`);
  return value;
};

const now = (ctx: OperationContext): string => new Date(ctx.clock.now()).toISOString();

// ---------------------------------------------------------------------------------------------
// Lookups

const tgwVisible = (ctx: OperationContext, id: string | undefined, parameter = "TransitGatewayId"): TgwDoc => {
  if (!id) throw errors.missing(parameter);
  const doc = getResource<TgwDoc>(ctx.store, scopeOf(ctx), TGW, id);
  if (!doc) throw notFound(TGW, id);
  return doc;
};

const tgwOwned = (ctx: OperationContext, id: string | undefined): TgwDoc => {
  if (!id) throw errors.missing("TransitGatewayId");
  const doc = getResource<TgwDoc>(ctx.store, scopeOf(ctx), TGW, id, { owned: true });
  if (!doc) throw notFound(TGW, id);
  return doc;
};

const rtbOwned = (ctx: OperationContext, id: string | undefined): RtbDoc => {
  if (!id) throw errors.missing("TransitGatewayRouteTableId");
  const doc = getResource<RtbDoc>(ctx.store, scopeOf(ctx), TGW_RTB, id, { owned: true });
  if (!doc) throw notFound(TGW_RTB, id);
  return doc;
};

const attVisible = (ctx: OperationContext, id: string | undefined): { doc: AttDoc; home: Scope } => {
  if (!id) throw errors.missing("TransitGatewayAttachmentId");
  const scope = scopeOf(ctx);
  const doc = getVisible<AttDoc>(ctx.store, scope, ATT, id);
  const home = doc && homeOf(ctx.store, scope, ATT, id);
  if (!doc || !home) throw notFound(ATT, id);
  return { doc, home };
};

/** The gateway ids an attachment connects (one for a VPC attachment, two for peering). */
const gatewaysOf = (a: AttDoc): string[] => (a._peer ? [a._peer.RequesterTgwInfo.TransitGatewayId, a._peer.AccepterTgwInfo.TransitGatewayId] : [a._tgw]);

/** The gateway of the caller's side of an attachment. */
const localTgwOf = (ctx: OperationContext, a: AttDoc): string => {
  if (!a._peer) return a._tgw;
  const acc = a._peer.AccepterTgwInfo;
  return acc.OwnerId === ctx.accountId && acc.Region === ctx.region ? acc.TransitGatewayId : a._peer.RequesterTgwInfo.TransitGatewayId;
};

const attachmentsOfTgw = (ctx: OperationContext, tgwId: string): AttDoc[] =>
  listVisible<AttDoc>(ctx.store, scopeOf(ctx), ATT).filter((a) => gatewaysOf(a).includes(tgwId));

const isLive = (a: AttDoc): boolean => !["deleted", "deleting", "rejected", "failed"].includes(a.State);

const updateAtt = (ctx: OperationContext, id: string, fn: (a: AttDoc) => void): AttDoc => {
  const home = homeOf(ctx.store, scopeOf(ctx), ATT, id)!;
  return updateResource<AttDoc>(ctx.store, home, ATT, id, fn)!;
};

// ---------------------------------------------------------------------------------------------
// Wire shapes

const tgwOut = (d: TgwDoc): TransitGateway => publicDoc(d) as unknown as TransitGateway;

const rtbOut = (d: RtbDoc): TransitGatewayRouteTable => publicDoc(d) as unknown as TransitGatewayRouteTable;

const resourceOf = (ctx: OperationContext, a: AttDoc): { ResourceId: string; ResourceOwnerId: string; TransitGatewayId: string; TransitGatewayOwnerId: string } => {
  if (a._vpc) return { ResourceId: a._vpc.VpcId, ResourceOwnerId: a._vpc.VpcOwnerId, TransitGatewayId: a._tgw, TransitGatewayOwnerId: a._tgwOwner };
  const local = localTgwOf(ctx, a);
  const p = a._peer!;
  const [mine, theirs] = local === p.AccepterTgwInfo.TransitGatewayId ? [p.AccepterTgwInfo, p.RequesterTgwInfo] : [p.RequesterTgwInfo, p.AccepterTgwInfo];
  return { ResourceId: theirs.TransitGatewayId, ResourceOwnerId: theirs.OwnerId, TransitGatewayId: mine.TransitGatewayId, TransitGatewayOwnerId: mine.OwnerId };
};

const vpcAttOut = (a: AttDoc): TransitGatewayVpcAttachment => ({
  TransitGatewayAttachmentId: a.TransitGatewayAttachmentId,
  TransitGatewayId: a._tgw,
  VpcId: a._vpc!.VpcId,
  VpcOwnerId: a._vpc!.VpcOwnerId,
  State: a.State as TransitGatewayVpcAttachment["State"],
  SubnetIds: a._vpc!.SubnetIds,
  CreationTime: a.CreationTime as unknown as Date,
  Options: a._vpc!.Options,
});

const peeringAttOut = (a: AttDoc): TransitGatewayPeeringAttachment => ({
  TransitGatewayAttachmentId: a.TransitGatewayAttachmentId,
  RequesterTgwInfo: a._peer!.RequesterTgwInfo,
  AccepterTgwInfo: a._peer!.AccepterTgwInfo,
  Status: a._peer!.Status,
  State: a.State as TransitGatewayPeeringAttachment["State"],
  CreationTime: a.CreationTime as unknown as Date,
});

const genericAttOut = (ctx: OperationContext, a: AttDoc): TransitGatewayAttachment => {
  const r = resourceOf(ctx, a);
  const assoc = a._assoc[r.TransitGatewayId];
  return {
    TransitGatewayAttachmentId: a.TransitGatewayAttachmentId,
    TransitGatewayId: r.TransitGatewayId,
    TransitGatewayOwnerId: r.TransitGatewayOwnerId,
    ResourceOwnerId: r.ResourceOwnerId,
    ResourceType: a.ResourceType,
    ResourceId: r.ResourceId,
    State: a.State as TransitGatewayAttachment["State"],
    ...(assoc ? { Association: { TransitGatewayRouteTableId: assoc, State: "associated" } } : {}),
    CreationTime: a.CreationTime as unknown as Date,
  };
};


// ---------------------------------------------------------------------------------------------
// Transit gateways

const MIN_16 = 64512, MAX_16 = 65534, MIN_32 = 4200000000, MAX_32 = 4294967294;

export const createTransitGateway = defineOp("CreateTransitGateway", (input, ctx) => {
  const scope = scopeOf(ctx);
  const o = input.Options ?? {};
  const asn = o.AmazonSideAsn ?? 64512;
  if (!((asn >= MIN_16 && asn <= MAX_16) || (asn >= MIN_32 && asn <= MAX_32))) {
    throw errors.invalidValue(`Value (${asn}) for parameter amazonSideAsn is invalid. The ASN must be in the range 64512-65534 or 4200000000-4294967294.`);
  }
  const assoc = enableDisable(o.DefaultRouteTableAssociation, "defaultRouteTableAssociation", "enable");
  const prop = enableDisable(o.DefaultRouteTablePropagation, "defaultRouteTablePropagation", "enable");
  const options = {
    AmazonSideAsn: asn,
    AutoAcceptSharedAttachments: enableDisable(o.AutoAcceptSharedAttachments, "autoAcceptSharedAttachments", "disable"),
    DefaultRouteTableAssociation: assoc,
    DefaultRouteTablePropagation: prop,
    VpnEcmpSupport: enableDisable(o.VpnEcmpSupport, "vpnEcmpSupport", "enable"),
    DnsSupport: enableDisable(o.DnsSupport, "dnsSupport", "enable"),
    SecurityGroupReferencingSupport: enableDisable(o.SecurityGroupReferencingSupport, "securityGroupReferencingSupport", "disable"),
    MulticastSupport: enableDisable(o.MulticastSupport, "multicastSupport", "disable"),
    ...(o.TransitGatewayCidrBlocks?.length ? { TransitGatewayCidrBlocks: o.TransitGatewayCidrBlocks } : {}),
  } as TgwDoc["Options"];
  validateTagSpecifications(input.TagSpecifications, [TGW]);
  checkDryRun(input);
  const id = newResourceId("tgw");
  const created = now(ctx);
  const doc: TgwDoc = {
    TransitGatewayId: id,
    TransitGatewayArn: arn({ service: "ec2", region: ctx.region, account: ctx.accountId, resource: `transit-gateway/${id}` }),
    State: "available",
    OwnerId: ctx.accountId,
    ...(input.Description !== undefined ? { Description: input.Description } : {}),
    CreationTime: created,
    Options: options,
  };
  if (assoc === "enable" || prop === "enable") {
    const rtbId = newResourceId("tgw-rtb");
    const rtb: RtbDoc = {
      TransitGatewayRouteTableId: rtbId,
      TransitGatewayId: id,
      State: "available",
      DefaultAssociationRouteTable: assoc === "enable",
      DefaultPropagationRouteTable: prop === "enable",
      CreationTime: created,
      _routes: [],
    };
    if (assoc === "enable") doc.Options.AssociationDefaultRouteTableId = rtbId;
    if (prop === "enable") doc.Options.PropagationDefaultRouteTableId = rtbId;
    putResource(ctx.store, scope, TGW_RTB, rtbId, rtb, { parent: id });
  }
  putResource(ctx.store, scope, TGW, id, doc);
  const tags = applyTagSpecifications(ctx.store, scope, TGW, id, input.TagSpecifications);
  return { TransitGateway: { ...tgwOut(doc), State: "pending" as const, ...(tags.length ? { Tags: tags } : {}) } };
});

const tgwFilters: FilterTable<TgwDoc> = {
  "options.propagation-default-route-table-id": (d) => d.Options.PropagationDefaultRouteTableId,
  "options.amazon-side-asn": (d) => d.Options.AmazonSideAsn,
  "options.association-default-route-table-id": (d) => d.Options.AssociationDefaultRouteTableId,
  "options.auto-accept-shared-attachments": (d) => d.Options.AutoAcceptSharedAttachments,
  "options.default-route-table-association": (d) => d.Options.DefaultRouteTableAssociation,
  "options.default-route-table-propagation": (d) => d.Options.DefaultRouteTablePropagation,
  "options.dns-support": (d) => d.Options.DnsSupport,
  "options.vpn-ecmp-support": (d) => d.Options.VpnEcmpSupport,
  "owner-id": (d) => d.OwnerId,
  state: (d) => d.State,
  "transit-gateway-id": (d) => d.TransitGatewayId,
};

export const describeTransitGateways = defineOp("DescribeTransitGateways", (input, ctx) => {
  const page = describeList(
    ctx.store,
    listResources<TgwDoc>(ctx.store, scopeOf(ctx), TGW),
    { idOf: (d) => d.TransitGatewayId, notFound: (id) => notFound(TGW, id), filters: tgwFilters, paging: { min: 5, max: 1000 } },
    { ids: input.TransitGatewayIds, idsParameter: "transitGatewayIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  return { TransitGateways: page.items.map((d) => ({ ...tgwOut(d), ...(d.Tags ? { Tags: d.Tags } : {}) })), NextToken: page.nextToken };
});

export const deleteTransitGateway = defineOp("DeleteTransitGateway", (input, ctx) => {
  const tgw = tgwOwned(ctx, input.TransitGatewayId);
  const live = attachmentsOfTgw(ctx, tgw.TransitGatewayId).filter(isLive);
  if (live.length) {
    throw errors.incorrectState(`${tgw.TransitGatewayId} has non-deleted Transit Gateway Attachments: ${live.map((a) => a.TransitGatewayAttachmentId).join(", ")}.`);
  }
  checkDryRun(input);
  for (const rtb of listResources<RtbDoc>(ctx.store, scopeOf(ctx), TGW_RTB, { parent: tgw.TransitGatewayId, includeShared: false })) {
    deleteResource(ctx.store, rtb.TransitGatewayRouteTableId);
  }
  deleteResource(ctx.store, tgw.TransitGatewayId);
  return { TransitGateway: { ...tgwOut(tgw), State: "deleting" as const } };
});

// ---------------------------------------------------------------------------------------------
// Route tables

export const createTransitGatewayRouteTable = defineOp("CreateTransitGatewayRouteTable", (input, ctx) => {
  const tgw = tgwOwned(ctx, input.TransitGatewayId);
  validateTagSpecifications(input.TagSpecifications, [TGW_RTB]);
  checkDryRun(input);
  const id = newResourceId("tgw-rtb");
  const doc: RtbDoc = {
    TransitGatewayRouteTableId: id,
    TransitGatewayId: tgw.TransitGatewayId,
    State: "available",
    DefaultAssociationRouteTable: false,
    DefaultPropagationRouteTable: false,
    CreationTime: now(ctx),
    _routes: [],
  };
  putResource(ctx.store, scopeOf(ctx), TGW_RTB, id, doc, { parent: tgw.TransitGatewayId });
  const tags = applyTagSpecifications(ctx.store, scopeOf(ctx), TGW_RTB, id, input.TagSpecifications);
  return { TransitGatewayRouteTable: { ...rtbOut(doc), State: "pending" as const, ...(tags.length ? { Tags: tags } : {}) } };
});

const rtbFilters: FilterTable<RtbDoc> = {
  "default-association-route-table": (d) => String(d.DefaultAssociationRouteTable),
  "default-propagation-route-table": (d) => String(d.DefaultPropagationRouteTable),
  state: (d) => d.State,
  "transit-gateway-id": (d) => d.TransitGatewayId,
  "transit-gateway-route-table-id": (d) => d.TransitGatewayRouteTableId,
};

export const describeTransitGatewayRouteTables = defineOp("DescribeTransitGatewayRouteTables", (input, ctx) => {
  const page = describeList(
    ctx.store,
    listResources<RtbDoc>(ctx.store, scopeOf(ctx), TGW_RTB, { includeShared: false }),
    { idOf: (d) => d.TransitGatewayRouteTableId, notFound: (id) => notFound(TGW_RTB, id), filters: rtbFilters, paging: { min: 5, max: 1000 } },
    { ids: input.TransitGatewayRouteTableIds, idsParameter: "transitGatewayRouteTableIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  return { TransitGatewayRouteTables: page.items.map((d) => ({ ...rtbOut(d), ...(d.Tags ? { Tags: d.Tags } : {}) })), NextToken: page.nextToken };
});

export const deleteTransitGatewayRouteTable = defineOp("DeleteTransitGatewayRouteTable", (input, ctx) => {
  const rtb = rtbOwned(ctx, input.TransitGatewayRouteTableId);
  const tgw = getResource<TgwDoc>(ctx.store, scopeOf(ctx), TGW, rtb.TransitGatewayId);
  if (tgw && (tgw.Options.AssociationDefaultRouteTableId === rtb.TransitGatewayRouteTableId || tgw.Options.PropagationDefaultRouteTableId === rtb.TransitGatewayRouteTableId)) {
    throw errors.incorrectState(`${rtb.TransitGatewayRouteTableId} is the default route table of ${rtb.TransitGatewayId} and cannot be deleted.`);
  }
  const users = attachmentsOfTgw(ctx, rtb.TransitGatewayId).filter(
    (a) => a._assoc[rtb.TransitGatewayId] === rtb.TransitGatewayRouteTableId || (a._prop[rtb.TransitGatewayId] ?? []).includes(rtb.TransitGatewayRouteTableId),
  );
  if (users.length) {
    throw errors.incorrectState(`${rtb.TransitGatewayRouteTableId} has associations or propagations: ${users.map((a) => a.TransitGatewayAttachmentId).join(", ")}.`);
  }
  checkDryRun(input);
  deleteResource(ctx.store, rtb.TransitGatewayRouteTableId);
  return { TransitGatewayRouteTable: { ...rtbOut(rtb), State: "deleting" as const } };
});

/** The attachment must connect the route table's gateway; answers the attachment. */
const attachmentOfRtb = (ctx: OperationContext, rtb: RtbDoc, attachmentId: string | undefined): AttDoc => {
  const { doc } = attVisible(ctx, attachmentId);
  if (!gatewaysOf(doc).includes(rtb.TransitGatewayId)) {
    throw errors.invalidValue(`Transit Gateway Attachment ${doc.TransitGatewayAttachmentId} is not attached to ${rtb.TransitGatewayId}.`);
  }
  if (doc.State !== "available") throw errors.incorrectState(`Transit Gateway Attachment ${doc.TransitGatewayAttachmentId} is in state ${doc.State}.`);
  return doc;
};

/** What Association and Propagation answers say about a route table and an attachment. */
const routeTableLink = (ctx: OperationContext, rtb: RtbDoc, att: AttDoc) => ({
  TransitGatewayRouteTableId: rtb.TransitGatewayRouteTableId,
  TransitGatewayAttachmentId: att.TransitGatewayAttachmentId,
  ResourceId: resourceOf(ctx, att).ResourceId,
  ResourceType: att.ResourceType,
});

export const associateTransitGatewayRouteTable = defineOp("AssociateTransitGatewayRouteTable", (input, ctx) => {
  const rtb = rtbOwned(ctx, input.TransitGatewayRouteTableId);
  const att = attachmentOfRtb(ctx, rtb, input.TransitGatewayAttachmentId);
  if (att._assoc[rtb.TransitGatewayId]) {
    throw errors.resourceAlreadyAssociated(
      `Transit Gateway Attachment ${att.TransitGatewayAttachmentId} is already associated to a route table (${att._assoc[rtb.TransitGatewayId]}).`,
    );
  }
  checkDryRun(input);
  updateAtt(ctx, att.TransitGatewayAttachmentId, (a) => {
    a._assoc[rtb.TransitGatewayId] = rtb.TransitGatewayRouteTableId;
  });
  return { Association: { ...routeTableLink(ctx, rtb, att), State: "associating" as const } };
});

export const disassociateTransitGatewayRouteTable = defineOp("DisassociateTransitGatewayRouteTable", (input, ctx) => {
  const rtb = rtbOwned(ctx, input.TransitGatewayRouteTableId);
  const att = attachmentOfRtb(ctx, rtb, input.TransitGatewayAttachmentId);
  if (att._assoc[rtb.TransitGatewayId] !== rtb.TransitGatewayRouteTableId) {
    throw errors.invalidValue(`Transit Gateway Attachment ${att.TransitGatewayAttachmentId} is not associated with ${rtb.TransitGatewayRouteTableId}.`);
  }
  checkDryRun(input);
  updateAtt(ctx, att.TransitGatewayAttachmentId, (a) => {
    delete a._assoc[rtb.TransitGatewayId];
  });
  return { Association: { ...routeTableLink(ctx, rtb, att), State: "disassociating" as const } };
});

export const enableTransitGatewayRouteTablePropagation = defineOp("EnableTransitGatewayRouteTablePropagation", (input, ctx) => {
  const rtb = rtbOwned(ctx, input.TransitGatewayRouteTableId);
  const att = attachmentOfRtb(ctx, rtb, input.TransitGatewayAttachmentId);
  if (att.ResourceType === "peering") {
    throw errors.invalidValue(`Transit Gateway Attachment ${att.TransitGatewayAttachmentId} is a peering attachment: routes over peering attachments must be static.`);
  }
  if ((att._prop[rtb.TransitGatewayId] ?? []).includes(rtb.TransitGatewayRouteTableId)) {
    throw errors.resourceAlreadyAssociated(`Propagation of ${att.TransitGatewayAttachmentId} to ${rtb.TransitGatewayRouteTableId} is already enabled.`);
  }
  checkDryRun(input);
  updateAtt(ctx, att.TransitGatewayAttachmentId, (a) => {
    a._prop[rtb.TransitGatewayId] = [...(a._prop[rtb.TransitGatewayId] ?? []), rtb.TransitGatewayRouteTableId];
  });
  return { Propagation: { ...routeTableLink(ctx, rtb, att), State: "enabled" as const } };
});

export const disableTransitGatewayRouteTablePropagation = defineOp("DisableTransitGatewayRouteTablePropagation", (input, ctx) => {
  const rtb = rtbOwned(ctx, input.TransitGatewayRouteTableId);
  const att = attachmentOfRtb(ctx, rtb, input.TransitGatewayAttachmentId);
  if (!(att._prop[rtb.TransitGatewayId] ?? []).includes(rtb.TransitGatewayRouteTableId)) {
    throw errors.invalidValue(`Propagation of ${att.TransitGatewayAttachmentId} to ${rtb.TransitGatewayRouteTableId} is not enabled.`);
  }
  checkDryRun(input);
  updateAtt(ctx, att.TransitGatewayAttachmentId, (a) => {
    a._prop[rtb.TransitGatewayId] = (a._prop[rtb.TransitGatewayId] ?? []).filter((r) => r !== rtb.TransitGatewayRouteTableId);
  });
  return { Propagation: { ...routeTableLink(ctx, rtb, att), State: "disabled" as const } };
});

// ---------------------------------------------------------------------------------------------
// Routes

const vpcIpv4Cidrs = (store: StorePort, region: string, vpcId: string, owner: string): string[] => {
  const vpc = getResource<{ CidrBlock: string; CidrBlockAssociationSet?: Array<{ CidrBlock?: string; CidrBlockState?: { State?: string } }> }>(
    store,
    { accountId: owner, region },
    "vpc",
    vpcId,
    { owned: true },
  );
  if (!vpc) return [];
  const set = (vpc.CidrBlockAssociationSet ?? []).filter((a) => (a.CidrBlockState?.State ?? "associated") === "associated").map((a) => a.CidrBlock!);
  return set.length ? set : [vpc.CidrBlock];
};

/** Every route of a route table: static ones (blackhole when the target is gone) and propagated VPC CIDRs. */
export const routesOf = (ctx: OperationContext, rtb: RtbDoc): TransitGatewayRoute[] => {
  const atts = attachmentsOfTgw(ctx, rtb.TransitGatewayId);
  const byId = new Map(atts.map((a) => [a.TransitGatewayAttachmentId, a] as const));
  const target = (a: AttDoc) => {
    const r = resourceOf(ctx, a);
    return { ResourceId: r.ResourceId, TransitGatewayAttachmentId: a.TransitGatewayAttachmentId, ResourceType: a.ResourceType };
  };
  const routes: TransitGatewayRoute[] = [];
  const seen = new Set<string>();
  for (const s of rtb._routes) {
    seen.add(s.cidr);
    const a = s.attachmentId ? byId.get(s.attachmentId) : undefined;
    if (s.blackhole || !a || a.State !== "available") {
      routes.push({ DestinationCidrBlock: s.cidr, ...(a ? { TransitGatewayAttachments: [target(a)] } : {}), Type: "static", State: "blackhole" });
    } else {
      routes.push({ DestinationCidrBlock: s.cidr, TransitGatewayAttachments: [target(a)], Type: "static", State: "active" });
    }
  }
  for (const a of atts) {
    if (!a._vpc || a.State !== "available" || !(a._prop[rtb.TransitGatewayId] ?? []).includes(rtb.TransitGatewayRouteTableId)) continue;
    for (const cidr of vpcIpv4Cidrs(ctx.store, ctx.region, a._vpc.VpcId, a._vpc.VpcOwnerId)) {
      if (seen.has(cidr)) continue; // a static route wins; an overlapping later VPC is not propagated
      seen.add(cidr);
      routes.push({ DestinationCidrBlock: cidr, TransitGatewayAttachments: [target(a)], Type: "propagated", State: "active" });
    }
  }
  return routes;
};

const routeCidr = (value: string | undefined): Cidr => {
  if (!value) throw errors.missing("DestinationCidrBlock");
  const c = parseCidr(value);
  if (!c) throw errors.invalidValue(`Value (${value}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.`);
  return c;
};

export const createTransitGatewayRoute = defineOp("CreateTransitGatewayRoute", (input, ctx) => {
  const rtb = rtbOwned(ctx, input.TransitGatewayRouteTableId);
  const cidr = routeCidr(input.DestinationCidrBlock);
  if (input.Blackhole && input.TransitGatewayAttachmentId) {
    throw errors.invalidParameterCombination("Specify either a Transit Gateway Attachment or Blackhole, not both.");
  }
  if (!input.Blackhole && !input.TransitGatewayAttachmentId) throw errors.missing("TransitGatewayAttachmentId");
  const att = input.TransitGatewayAttachmentId ? attachmentOfRtb(ctx, rtb, input.TransitGatewayAttachmentId) : undefined;
  if (rtb._routes.some((r) => r.cidr === cidr.text)) throw errors.routeAlreadyExists(`Route ${cidr.text} already exists in Transit Gateway Route Table ${rtb.TransitGatewayRouteTableId}.`);
  checkDryRun(input);
  const next = updateResource<RtbDoc>(ctx.store, scopeOf(ctx), TGW_RTB, rtb.TransitGatewayRouteTableId, (d) => {
    d._routes.push(att ? { cidr: cidr.text, attachmentId: att.TransitGatewayAttachmentId } : { cidr: cidr.text, blackhole: true });
  })!;
  return { Route: routesOf(ctx, next).find((r) => r.DestinationCidrBlock === cidr.text && r.Type === "static") };
});

export const deleteTransitGatewayRoute = defineOp("DeleteTransitGatewayRoute", (input, ctx) => {
  const rtb = rtbOwned(ctx, input.TransitGatewayRouteTableId);
  const cidr = routeCidr(input.DestinationCidrBlock);
  const existing = routesOf(ctx, rtb).find((r) => r.DestinationCidrBlock === cidr.text && r.Type === "static");
  if (!existing) throw errors.routeNotFound(cidr.text, rtb.TransitGatewayRouteTableId);
  checkDryRun(input);
  updateResource<RtbDoc>(ctx.store, scopeOf(ctx), TGW_RTB, rtb.TransitGatewayRouteTableId, (d) => {
    d._routes = d._routes.filter((r) => r.cidr !== cidr.text);
  });
  return { Route: { ...existing, State: "deleted" as const } };
});

const routeFilters: FilterTable<TransitGatewayRoute> = {
  "attachment.transit-gateway-attachment-id": (r) => (r.TransitGatewayAttachments ?? []).map((a) => a.TransitGatewayAttachmentId!),
  "attachment.resource-id": (r) => (r.TransitGatewayAttachments ?? []).map((a) => a.ResourceId!),
  "attachment.resource-type": (r) => (r.TransitGatewayAttachments ?? []).map((a) => a.ResourceType!),
  "prefix-list-id": (r) => r.PrefixListId,
  state: (r) => r.State,
  type: (r) => r.Type,
};

const ROUTE_SEARCH = ["route-search.exact-match", "route-search.longest-prefix-match", "route-search.subnet-of-match", "route-search.supernet-of-match"];

/** The route-search.* filters, which compare CIDRs rather than strings. */
const routeSearch = (routes: TransitGatewayRoute[], filters: readonly Ec2Filter[]): TransitGatewayRoute[] => {
  let out = routes;
  for (const f of filters) {
    const values = (f.Values ?? []).map((v) => {
      const c = parseCidr(v);
      if (!c) throw errors.invalidValue(`Value (${v}) for filter ${f.Name} is invalid. This is not a valid CIDR block.`);
      return c;
    });
    const cidrOf = (r: TransitGatewayRoute) => parseCidr(r.DestinationCidrBlock);
    if (f.Name === "route-search.exact-match") out = out.filter((r) => values.some((v) => cidrOf(r)?.text === v.text));
    else if (f.Name === "route-search.subnet-of-match") out = out.filter((r) => values.some((v) => !!cidrOf(r) && within(cidrOf(r)!, v)));
    else if (f.Name === "route-search.supernet-of-match") out = out.filter((r) => values.some((v) => !!cidrOf(r) && within(v, cidrOf(r)!)));
    else if (f.Name === "route-search.longest-prefix-match") {
      const keep = new Set<TransitGatewayRoute>();
      for (const v of values) {
        const covering = out.filter((r) => !!cidrOf(r) && within(v, cidrOf(r)!));
        const best = Math.max(-1, ...covering.map((r) => cidrOf(r)!.bits));
        for (const r of covering) if (cidrOf(r)!.bits === best) keep.add(r);
      }
      out = out.filter((r) => keep.has(r));
    }
  }
  return out;
};

export const searchTransitGatewayRoutes = defineOp("SearchTransitGatewayRoutes", (input, ctx) => {
  const rtb = rtbOwned(ctx, input.TransitGatewayRouteTableId);
  if (!input.Filters) throw errors.missing("Filters");
  const max = input.MaxResults ?? 1000;
  if (!Number.isInteger(max) || max < 5 || max > 1000) {
    throw errors.invalidValue(`Value ( ${max} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
  }
  const search = input.Filters.filter((f) => ROUTE_SEARCH.includes(f.Name ?? ""));
  const keep = compileFilters(input.Filters.filter((f) => !ROUTE_SEARCH.includes(f.Name ?? "")), routeFilters);
  checkDryRun(input);
  const routes = routeSearch(routesOf(ctx, rtb), search).filter(keep);
  return { Routes: routes.slice(0, max), AdditionalRoutesAvailable: routes.length > max };
});

// ---------------------------------------------------------------------------------------------
// Associations and propagations of a route table

const assocFilters: FilterTable<{ TransitGatewayAttachmentId?: string; ResourceId?: string; ResourceType?: string }> = {
  "resource-id": (a) => a.ResourceId,
  "resource-type": (a) => a.ResourceType,
  "transit-gateway-attachment-id": (a) => a.TransitGatewayAttachmentId,
};

const pageOf = <T>(items: T[], maxResults: number | undefined, nextToken: string | undefined): { items: T[]; next?: string } => {
  const offset = nextToken ? Number(Buffer.from(nextToken, "base64url").toString("utf8")) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw errors.invalidValue(`Invalid value '${nextToken}' for nextToken`);
  if (maxResults !== undefined && (maxResults < 5 || maxResults > 1000)) {
    throw errors.invalidValue(`Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
  }
  const size = maxResults ?? 1000;
  return {
    items: items.slice(offset, offset + size),
    next: offset + size < items.length ? Buffer.from(String(offset + size), "utf8").toString("base64url") : undefined,
  };
};

export const getTransitGatewayRouteTableAssociations = defineOp("GetTransitGatewayRouteTableAssociations", (input, ctx) => {
  const rtb = rtbOwned(ctx, input.TransitGatewayRouteTableId);
  const keep = compileFilters(input.Filters, assocFilters);
  checkDryRun(input);
  const all = attachmentsOfTgw(ctx, rtb.TransitGatewayId)
    .filter((a) => a._assoc[rtb.TransitGatewayId] === rtb.TransitGatewayRouteTableId)
    .map((a) => ({
      TransitGatewayAttachmentId: a.TransitGatewayAttachmentId,
      ResourceId: resourceOf(ctx, a).ResourceId,
      ResourceType: a.ResourceType,
      State: "associated" as const,
    }))
    .filter(keep);
  const page = pageOf(all, input.MaxResults, input.NextToken);
  return { Associations: page.items, NextToken: page.next };
});

export const getTransitGatewayRouteTablePropagations = defineOp("GetTransitGatewayRouteTablePropagations", (input, ctx) => {
  const rtb = rtbOwned(ctx, input.TransitGatewayRouteTableId);
  const keep = compileFilters(input.Filters, assocFilters);
  checkDryRun(input);
  const all = attachmentsOfTgw(ctx, rtb.TransitGatewayId)
    .filter((a) => (a._prop[rtb.TransitGatewayId] ?? []).includes(rtb.TransitGatewayRouteTableId))
    .map((a) => ({
      TransitGatewayAttachmentId: a.TransitGatewayAttachmentId,
      ResourceId: resourceOf(ctx, a).ResourceId,
      ResourceType: a.ResourceType,
      State: "enabled" as const,
    }))
    .filter(keep);
  const page = pageOf(all, input.MaxResults, input.NextToken);
  return { TransitGatewayRouteTablePropagations: page.items, NextToken: page.next };
});

// ---------------------------------------------------------------------------------------------
// VPC attachments

/** Default association and propagation, when the gateway has them enabled (on becoming available). */
const applyDefaults = (tgw: TgwDoc, a: AttDoc): void => {
  if (tgw.Options.DefaultRouteTableAssociation === "enable" && tgw.Options.AssociationDefaultRouteTableId && !a._assoc[tgw.TransitGatewayId]) {
    a._assoc[tgw.TransitGatewayId] = tgw.Options.AssociationDefaultRouteTableId;
  }
  if (tgw.Options.DefaultRouteTablePropagation === "enable" && tgw.Options.PropagationDefaultRouteTableId) {
    const list = a._prop[tgw.TransitGatewayId] ?? [];
    if (!list.includes(tgw.Options.PropagationDefaultRouteTableId)) list.push(tgw.Options.PropagationDefaultRouteTableId);
    a._prop[tgw.TransitGatewayId] = list;
  }
};

/**
 * The attachment's network interface in a subnet: requester-managed, InterfaceType
 * transit_gateway, no security groups ("The transit gateway uses one IP address from each
 * specified subnet", https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html), in the
 * compute family's ENI shape.
 */
const transitGatewayEni = (ctx: OperationContext, attachmentId: string, subnet: SubnetDoc, address: string): string => {
  const eni = createEni(ctx, { subnet: subnet as never, privateIpAddress: address, description: `Network Interface for Transit Gateway Attachment ${attachmentId}` }, []);
  updateResource<EniDoc>(ctx.store, scopeOf(ctx), "network-interface", eni.NetworkInterfaceId, (d) => {
    d.RequesterManaged = true;
    d.RequesterId = "amazon-tgw"; // DEVIATION: AWS shows an AWS-side requester id here
    d.InterfaceType = "transit_gateway";
  });
  return eni.NetworkInterfaceId;
};

export const createTransitGatewayVpcAttachment = defineOp("CreateTransitGatewayVpcAttachment", (input, ctx) => {
  const scope = scopeOf(ctx);
  const tgw = tgwVisible(ctx, input.TransitGatewayId);
  if (!input.VpcId) throw errors.missing("VpcId");
  const vpc = getResource<{ VpcId: string }>(ctx.store, scope, "vpc", input.VpcId, { owned: true });
  if (!vpc) throw notFound("vpc", input.VpcId);
  const subnetIds = input.SubnetIds ?? [];
  if (subnetIds.length === 0) throw errors.missing("SubnetIds");
  const subnets = subnetIds.map((id) => {
    const s = getResource<SubnetDoc>(ctx.store, scope, "subnet", id);
    if (!s) throw notFound("subnet", id);
    if (s.VpcId !== vpc.VpcId) throw errors.invalidParameter(`Subnet ${id} does not belong to VPC ${vpc.VpcId}.`);
    return s;
  });
  const zones = new Set<string>();
  for (const s of subnets) {
    if (zones.has(s.AvailabilityZoneId)) throw errors.duplicateSubnetsInSameZone("Duplicate Subnets for same AZ");
    zones.add(s.AvailabilityZoneId);
  }
  if (attachmentsOfTgw(ctx, tgw.TransitGatewayId).some((a) => isLive(a) && a._vpc?.VpcId === vpc.VpcId)) {
    throw errors.duplicateTransitGatewayAttachment(tgw.TransitGatewayId);
  }
  const o = input.Options ?? {};
  const options = {
    DnsSupport: enableDisable(o.DnsSupport, "dnsSupport", "enable"),
    SecurityGroupReferencingSupport: enableDisable(o.SecurityGroupReferencingSupport, "securityGroupReferencingSupport", "enable"),
    Ipv6Support: enableDisable(o.Ipv6Support, "ipv6Support", "disable"),
    ApplianceModeSupport: enableDisable(o.ApplianceModeSupport, "applianceModeSupport", "disable"),
  } as NonNullable<TransitGatewayVpcAttachment["Options"]>;
  const addresses = subnets.map((s) => {
    const ip = firstFreeAddress(ctx.store, s);
    if (!ip) throw errors.invalidParameter(`Subnet ${s.SubnetId} has no free IP address for the transit gateway.`);
    return ip;
  });
  validateTagSpecifications(input.TagSpecifications, [ATT]);
  checkDryRun(input);

  const id = newResourceId("tgw-attach");
  const enis = subnets.map((s, i) => transitGatewayEni(ctx, id, s, addresses[i]));
  const shared = tgw.OwnerId !== ctx.accountId;
  const pending = shared && tgw.Options.AutoAcceptSharedAttachments !== "enable";
  const doc: AttDoc = {
    TransitGatewayAttachmentId: id,
    ResourceType: "vpc",
    State: pending ? "pendingAcceptance" : "available",
    CreationTime: now(ctx),
    _tgw: tgw.TransitGatewayId,
    _tgwOwner: tgw.OwnerId,
    _vpc: { VpcId: vpc.VpcId, VpcOwnerId: ctx.accountId, SubnetIds: subnetIds, Options: options },
    _enis: [],
    _assoc: {},
    _prop: {},
  };
  if (!pending) applyDefaults(tgw, doc);
  doc._enis = enis;
  putResource(ctx.store, scope, ATT, id, doc, { parent: vpc.VpcId });
  // The gateway's owner sees an attachment made from another account (RAM-shared gateway).
  if (shared) shareResource(ctx.store, id, tgw.OwnerId, `transit-gateway/${tgw.TransitGatewayId}`);
  const tags = applyTagSpecifications(ctx.store, scope, ATT, id, input.TagSpecifications);
  return { TransitGatewayVpcAttachment: { ...vpcAttOut(doc), State: (pending ? "pendingAcceptance" : "pending") as "pending", ...(tags.length ? { Tags: tags } : {}) } };
});

const vpcAttFilters: FilterTable<AttDoc> = {
  state: (a) => a.State,
  "transit-gateway-attachment-id": (a) => a.TransitGatewayAttachmentId,
  "transit-gateway-id": (a) => a._tgw,
  "vpc-id": (a) => a._vpc?.VpcId,
};

export const describeTransitGatewayVpcAttachments = defineOp("DescribeTransitGatewayVpcAttachments", (input, ctx) => {
  const docs = listVisible<AttDoc>(ctx.store, scopeOf(ctx), ATT).filter((a) => a.ResourceType === "vpc");
  const page = describeList(
    ctx.store,
    docs,
    { idOf: (d) => d.TransitGatewayAttachmentId, notFound: (id) => notFound(ATT, id), filters: vpcAttFilters, paging: { min: 5, max: 1000 } },
    { ids: input.TransitGatewayAttachmentIds, idsParameter: "transitGatewayAttachmentIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  return { TransitGatewayVpcAttachments: page.items.map((d) => ({ ...vpcAttOut(d), ...(d.Tags ? { Tags: d.Tags } : {}) })), NextToken: page.nextToken };
});

/** Removes an attachment: its network interfaces (and their addresses), its views. */
const removeAttachment = (ctx: OperationContext, a: AttDoc): void => {
  const home = homeOf(ctx.store, scopeOf(ctx), ATT, a.TransitGatewayAttachmentId);
  for (const eniId of a._enis ?? []) {
    const eni = home && getResource<EniDoc>(ctx.store, { accountId: a._vpc!.VpcOwnerId, region: home.region }, "network-interface", eniId, { owned: true });
    if (eni) destroyEni({ ...ctx, accountId: a._vpc!.VpcOwnerId }, eni);
  }
  removeRemoteViews(ctx.store, a.TransitGatewayAttachmentId);
  deleteResource(ctx.store, a.TransitGatewayAttachmentId);
};

export const deleteTransitGatewayVpcAttachment = defineOp("DeleteTransitGatewayVpcAttachment", (input, ctx) => {
  const { doc } = attVisible(ctx, input.TransitGatewayAttachmentId);
  if (doc.ResourceType !== "vpc") throw notFound(ATT, doc.TransitGatewayAttachmentId);
  // The VPC owner or the gateway owner may delete it (tgw-vpc-attachments.html "Delete a VPC attachment").
  if (doc._vpc!.VpcOwnerId !== ctx.accountId && doc._tgwOwner !== ctx.accountId) throw notFound(ATT, doc.TransitGatewayAttachmentId);
  checkDryRun(input);
  removeAttachment(ctx, doc);
  return { TransitGatewayVpcAttachment: { ...vpcAttOut(doc), State: "deleting" as const } };
});

/** AcceptTransitGatewayVpcAttachment: the gateway owner accepts an attachment from another account. */
export const acceptTransitGatewayVpcAttachment = defineOp("AcceptTransitGatewayVpcAttachment", (input, ctx) => {
  const { doc } = attVisible(ctx, input.TransitGatewayAttachmentId);
  if (doc.ResourceType !== "vpc") throw notFound(ATT, doc.TransitGatewayAttachmentId);
  if (doc._tgwOwner !== ctx.accountId) throw errors.operationNotPermitted(`Only the owner of ${doc._tgw} can accept ${doc.TransitGatewayAttachmentId}.`);
  if (doc.State !== "pendingAcceptance") throw errors.incorrectState(`Transit Gateway Attachment ${doc.TransitGatewayAttachmentId} is in state ${doc.State}.`);
  checkDryRun(input);
  const tgw = tgwOwned(ctx, doc._tgw);
  const next = updateAtt(ctx, doc.TransitGatewayAttachmentId, (a) => {
    a.State = "available";
    applyDefaults(tgw, a);
  });
  return { TransitGatewayVpcAttachment: { ...vpcAttOut(next), State: "pending" as const } };
});

export const rejectTransitGatewayVpcAttachment = defineOp("RejectTransitGatewayVpcAttachment", (input, ctx) => {
  const { doc } = attVisible(ctx, input.TransitGatewayAttachmentId);
  if (doc.ResourceType !== "vpc") throw notFound(ATT, doc.TransitGatewayAttachmentId);
  if (doc._tgwOwner !== ctx.accountId) throw errors.operationNotPermitted(`Only the owner of ${doc._tgw} can reject ${doc.TransitGatewayAttachmentId}.`);
  if (doc.State !== "pendingAcceptance") throw errors.incorrectState(`Transit Gateway Attachment ${doc.TransitGatewayAttachmentId} is in state ${doc.State}.`);
  checkDryRun(input);
  const next = updateAtt(ctx, doc.TransitGatewayAttachmentId, (a) => {
    a.State = "rejected";
  });
  return { TransitGatewayVpcAttachment: vpcAttOut(next) };
});

// ---------------------------------------------------------------------------------------------
// Generic attachments view

const attFilters: FilterTable<TransitGatewayAttachment> = {
  "association.transit-gateway-route-table-id": (a) => a.Association?.TransitGatewayRouteTableId,
  "association.state": (a) => a.Association?.State,
  "resource-id": (a) => a.ResourceId,
  "resource-owner-id": (a) => a.ResourceOwnerId,
  "resource-type": (a) => a.ResourceType,
  state: (a) => a.State,
  "transit-gateway-attachment-id": (a) => a.TransitGatewayAttachmentId,
  "transit-gateway-id": (a) => a.TransitGatewayId,
  "transit-gateway-owner-id": (a) => a.TransitGatewayOwnerId,
};

export const describeTransitGatewayAttachments = defineOp("DescribeTransitGatewayAttachments", (input, ctx) => {
  const docs = listVisible<AttDoc>(ctx.store, scopeOf(ctx), ATT).map((a) => genericAttOut(ctx, a) as TransitGatewayAttachment & { TransitGatewayAttachmentId: string });
  const page = describeList(
    ctx.store,
    docs,
    { idOf: (d) => d.TransitGatewayAttachmentId, notFound: (id) => notFound(ATT, id), filters: attFilters, paging: { min: 5, max: 1000 } },
    { ids: input.TransitGatewayAttachmentIds, idsParameter: "transitGatewayAttachmentIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  return { TransitGatewayAttachments: page.items, NextToken: page.nextToken };
});

// ---------------------------------------------------------------------------------------------
// Peering attachments

export const createTransitGatewayPeeringAttachment = defineOp("CreateTransitGatewayPeeringAttachment", (input, ctx) => {
  const scope = scopeOf(ctx);
  const tgw = tgwOwned(ctx, input.TransitGatewayId);
  if (!input.PeerTransitGatewayId) throw errors.missing("PeerTransitGatewayId");
  if (!input.PeerAccountId) throw errors.missing("PeerAccountId");
  if (!input.PeerRegion) throw errors.missing("PeerRegion");
  if (!/^\d{12}$/.test(input.PeerAccountId)) throw errors.invalidValue(`Invalid value '${input.PeerAccountId}' for peerAccountId.`);
  assertKnownRegion(input.PeerRegion);
  validateTagSpecifications(input.TagSpecifications, [ATT]);
  const peerScope: Scope = { accountId: input.PeerAccountId, region: input.PeerRegion };
  if (peerScope.accountId === ctx.accountId && peerScope.region === ctx.region && input.PeerTransitGatewayId === tgw.TransitGatewayId) {
    throw errors.invalidValue("A transit gateway cannot peer with itself.");
  }
  checkDryRun(input);
  const peer = getResource<TgwDoc>(ctx.store, peerScope, TGW, input.PeerTransitGatewayId, { owned: true });
  const id = newResourceId("tgw-attach");
  // DEVIATION: a peer gateway that does not exist in the named account and Region makes the
  // attachment "failed" at once (AWS fails it asynchronously; its message is not recorded here).
  const state = peer ? "pendingAcceptance" : "failed";
  const doc: AttDoc = {
    TransitGatewayAttachmentId: id,
    ResourceType: "peering",
    State: state,
    CreationTime: now(ctx),
    _tgw: tgw.TransitGatewayId,
    _tgwOwner: ctx.accountId,
    _peer: {
      RequesterTgwInfo: { TransitGatewayId: tgw.TransitGatewayId, OwnerId: ctx.accountId, Region: ctx.region },
      AccepterTgwInfo: { TransitGatewayId: input.PeerTransitGatewayId, OwnerId: input.PeerAccountId, Region: input.PeerRegion },
      Status: { Code: state, Message: peer ? "Pending Acceptance" : "Failed" },
    },
    _assoc: {},
    _prop: {},
  };
  putResource(ctx.store, scope, ATT, id, doc);
  if (peer) {
    if (peerScope.region !== ctx.region) addRemoteView(ctx.store, id, ATT, peerScope, scope);
    else if (peerScope.accountId !== ctx.accountId) shareResource(ctx.store, id, peerScope.accountId, `transit-gateway-peering/${id}`);
  }
  const tags = applyTagSpecifications(ctx.store, scope, ATT, id, input.TagSpecifications);
  const out = peeringAttOut(doc);
  return {
    TransitGatewayPeeringAttachment: {
      ...out,
      ...(peer ? { State: "initiatingRequest" as const, Status: { Code: "initiatingRequest", Message: "Initiating Request" } } : {}),
      ...(tags.length ? { Tags: tags } : {}),
    },
  };
});

const isPeerAccepter = (ctx: OperationContext, a: AttDoc): boolean =>
  a._peer!.AccepterTgwInfo.OwnerId === ctx.accountId && a._peer!.AccepterTgwInfo.Region === ctx.region;

const peeringVisible = (ctx: OperationContext, id: string | undefined): AttDoc => {
  const { doc } = attVisible(ctx, id);
  if (doc.ResourceType !== "peering") throw notFound(ATT, doc.TransitGatewayAttachmentId);
  return doc;
};

export const acceptTransitGatewayPeeringAttachment = defineOp("AcceptTransitGatewayPeeringAttachment", (input, ctx) => {
  const doc = peeringVisible(ctx, input.TransitGatewayAttachmentId);
  if (!isPeerAccepter(ctx, doc)) {
    throw errors.operationNotPermitted(`Only the owner of ${doc._peer!.AccepterTgwInfo.TransitGatewayId} can accept ${doc.TransitGatewayAttachmentId}.`);
  }
  if (doc.State !== "pendingAcceptance") throw errors.incorrectState(`Transit Gateway Attachment ${doc.TransitGatewayAttachmentId} is in state ${doc.State}.`);
  checkDryRun(input);
  const next = updateAtt(ctx, doc.TransitGatewayAttachmentId, (a) => {
    a.State = "available";
    a._peer!.Status = { Code: "available", Message: "Available" };
  });
  return { TransitGatewayPeeringAttachment: { ...peeringAttOut(next), State: "pending" as const, Status: { Code: "pending", Message: "Pending" } } };
});

export const rejectTransitGatewayPeeringAttachment = defineOp("RejectTransitGatewayPeeringAttachment", (input, ctx) => {
  const doc = peeringVisible(ctx, input.TransitGatewayAttachmentId);
  if (!isPeerAccepter(ctx, doc)) {
    throw errors.operationNotPermitted(`Only the owner of ${doc._peer!.AccepterTgwInfo.TransitGatewayId} can reject ${doc.TransitGatewayAttachmentId}.`);
  }
  if (doc.State !== "pendingAcceptance") throw errors.incorrectState(`Transit Gateway Attachment ${doc.TransitGatewayAttachmentId} is in state ${doc.State}.`);
  checkDryRun(input);
  const next = updateAtt(ctx, doc.TransitGatewayAttachmentId, (a) => {
    a.State = "rejected";
    a._peer!.Status = { Code: "rejected", Message: "Rejected" };
  });
  return { TransitGatewayPeeringAttachment: peeringAttOut(next) };
});

export const deleteTransitGatewayPeeringAttachment = defineOp("DeleteTransitGatewayPeeringAttachment", (input, ctx) => {
  const doc = peeringVisible(ctx, input.TransitGatewayAttachmentId);
  checkDryRun(input);
  removeAttachment(ctx, doc);
  return { TransitGatewayPeeringAttachment: { ...peeringAttOut(doc), State: "deleting" as const, Status: { Code: "deleting", Message: "Deleting" } } };
});

const peeringFilters: FilterTable<AttDoc> = {
  "transit-gateway-attachment-id": (a) => a.TransitGatewayAttachmentId,
  "local-owner-id": (a) => a._peer!.RequesterTgwInfo.OwnerId,
  "remote-owner-id": (a) => a._peer!.AccepterTgwInfo.OwnerId,
  state: (a) => a.State,
  "transit-gateway-id": (a) => [a._peer!.RequesterTgwInfo.TransitGatewayId, a._peer!.AccepterTgwInfo.TransitGatewayId],
};

export const describeTransitGatewayPeeringAttachments = defineOp("DescribeTransitGatewayPeeringAttachments", (input, ctx) => {
  const docs = listVisible<AttDoc>(ctx.store, scopeOf(ctx), ATT).filter((a) => a.ResourceType === "peering");
  const page = describeList(
    ctx.store,
    docs,
    { idOf: (d) => d.TransitGatewayAttachmentId, notFound: (id) => notFound(ATT, id), filters: peeringFilters, paging: { min: 5, max: 1000 } },
    { ids: input.TransitGatewayAttachmentIds, idsParameter: "transitGatewayAttachmentIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  return {
    TransitGatewayPeeringAttachments: page.items.map((d) => ({ ...peeringAttOut(d), ...(d.Tags ? { Tags: d.Tags } : {}) })),
    NextToken: page.nextToken,
  };
});


export const transitGatewayOperations = [
  createTransitGateway,
  describeTransitGateways,
  deleteTransitGateway,
  createTransitGatewayRouteTable,
  describeTransitGatewayRouteTables,
  deleteTransitGatewayRouteTable,
  associateTransitGatewayRouteTable,
  disassociateTransitGatewayRouteTable,
  enableTransitGatewayRouteTablePropagation,
  disableTransitGatewayRouteTablePropagation,
  createTransitGatewayRoute,
  deleteTransitGatewayRoute,
  searchTransitGatewayRoutes,
  getTransitGatewayRouteTableAssociations,
  getTransitGatewayRouteTablePropagations,
  createTransitGatewayVpcAttachment,
  describeTransitGatewayVpcAttachments,
  deleteTransitGatewayVpcAttachment,
  acceptTransitGatewayVpcAttachment,
  rejectTransitGatewayVpcAttachment,
  describeTransitGatewayAttachments,
  createTransitGatewayPeeringAttachment,
  acceptTransitGatewayPeeringAttachment,
  rejectTransitGatewayPeeringAttachment,
  deleteTransitGatewayPeeringAttachment,
  describeTransitGatewayPeeringAttachments,
];
