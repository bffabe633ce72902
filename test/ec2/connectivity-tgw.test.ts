/**
 * Transit gateways end to end (SDK v3 and AWS CLI v2): defaults and the default route table, VPC
 * attachments (one subnet per AZ), associations, propagations, static and blackhole routes,
 * SearchTransitGatewayRoutes filters, deletion rules, cross-Region cross-account peering.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AcceptTransitGatewayPeeringAttachmentCommand,
  AssociateTransitGatewayRouteTableCommand,
  CreateTransitGatewayCommand,
  CreateTransitGatewayPeeringAttachmentCommand,
  CreateTransitGatewayRouteCommand,
  CreateTransitGatewayRouteTableCommand,
  CreateTransitGatewayVpcAttachmentCommand,
  DeleteTransitGatewayCommand,
  DeleteTransitGatewayRouteCommand,
  DeleteTransitGatewayVpcAttachmentCommand,
  DescribeNetworkInterfacesCommand,
  DescribeTransitGatewayAttachmentsCommand,
  DescribeTransitGatewayPeeringAttachmentsCommand,
  DescribeTransitGatewayRouteTablesCommand,
  DescribeTransitGatewaysCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  DisassociateTransitGatewayRouteTableCommand,
  EnableTransitGatewayRouteTablePropagationCommand,
  GetTransitGatewayRouteTableAssociationsCommand,
  GetTransitGatewayRouteTablePropagationsCommand,
  SearchTransitGatewayRoutesCommand,
  type EC2Client,
  type Filter,
} from "@aws-sdk/client-ec2";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { awsCli } from "../helpers/aws-cli.js";
import { A, B, ec2For, expectError, newSubnet, newVpc } from "./connectivity-helpers.js";

describe("connectivity: transit gateways", () => {
  let cb: Cloudbox;
  let a: EC2Client;
  let bWest: EC2Client;
  let b: EC2Client;
  let c: EC2Client;
  before(async () => {
    cb = await startCloudbox();
    a = ec2For(cb, A);
    b = ec2For(cb, B);
    bWest = ec2For(cb, B, "eu-west-1");
    c = ec2For(cb, "333333333333");
  });
  after(() => cb.stop());

  const search = async (rtb: string, Filters: Filter[]) =>
    (await a.send(new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: rtb, Filters }))).Routes!.map((r) => `${r.DestinationCidrBlock} ${r.Type} ${r.State}`).sort();

  it("creates a gateway with AWS's defaults and its default route table", async () => {
    const created = (await a.send(new CreateTransitGatewayCommand({ Description: "hub", TagSpecifications: [{ ResourceType: "transit-gateway", Tags: [{ Key: "Name", Value: "hub" }] }] }))).TransitGateway!;
    assert.match(created.TransitGatewayId!, /^tgw-[0-9a-f]{17}$/);
    assert.equal(created.State, "pending");
    assert.equal(created.TransitGatewayArn, `arn:aws:ec2:us-east-1:${A}:transit-gateway/${created.TransitGatewayId}`);
    const o = created.Options!;
    assert.equal(o.AmazonSideAsn, 64512);
    assert.equal(o.AutoAcceptSharedAttachments, "disable");
    assert.equal(o.DefaultRouteTableAssociation, "enable");
    assert.equal(o.DefaultRouteTablePropagation, "enable");
    assert.equal(o.DnsSupport, "enable");
    assert.equal(o.VpnEcmpSupport, "enable");
    assert.ok(o.AssociationDefaultRouteTableId?.startsWith("tgw-rtb-"));
    assert.equal(o.AssociationDefaultRouteTableId, o.PropagationDefaultRouteTableId);
    const listed = (await a.send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: [created.TransitGatewayId!] }))).TransitGateways![0];
    assert.equal(listed.State, "available");
    assert.deepEqual(listed.Tags, [{ Key: "Name", Value: "hub" }]);
    const rtb = (await a.send(new DescribeTransitGatewayRouteTablesCommand({ TransitGatewayRouteTableIds: [o.AssociationDefaultRouteTableId!] }))).TransitGatewayRouteTables![0];
    assert.equal(rtb.DefaultAssociationRouteTable, true);
    assert.equal(rtb.DefaultPropagationRouteTable, true);
    assert.equal(rtb.TransitGatewayId, created.TransitGatewayId);
    // Filters and errors.
    const byAsn = await a.send(new DescribeTransitGatewaysCommand({ Filters: [{ Name: "options.amazon-side-asn", Values: ["64512"] }, { Name: "tag:Name", Values: ["hub"] }] }));
    assert.deepEqual(byAsn.TransitGateways!.map((t) => t.TransitGatewayId), [created.TransitGatewayId]);
    await expectError(a.send(new CreateTransitGatewayCommand({ Options: { AmazonSideAsn: 65000 + 1000 } })), "InvalidParameterValue", 400);
    await expectError(a.send(new CreateTransitGatewayCommand({ DryRun: true })), "DryRunOperation", 412);
    await expectError(c.send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: [created.TransitGatewayId!] })), "InvalidTransitGatewayID.NotFound", 400);
    // Without default association and propagation there is no default route table.
    const bare = (await a.send(new CreateTransitGatewayCommand({ Options: { DefaultRouteTableAssociation: "disable", DefaultRouteTablePropagation: "disable" } }))).TransitGateway!;
    assert.equal(bare.Options!.AssociationDefaultRouteTableId, undefined);
  });

  it("VPC attachments: one subnet per AZ, default association and propagation, propagated routes", async () => {
    const tgw = (await a.send(new CreateTransitGatewayCommand({}))).TransitGateway!;
    const defaultRtb = tgw.Options!.AssociationDefaultRouteTableId!;
    const vpc = await newVpc(a, "10.100.0.0/16");
    const s1 = await newSubnet(a, vpc, "10.100.1.0/24", "us-east-1a");
    const s2 = await newSubnet(a, vpc, "10.100.2.0/24", "us-east-1a");
    const s3 = await newSubnet(a, vpc, "10.100.3.0/24", "us-east-1b");
    await expectError(
      a.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw.TransitGatewayId, VpcId: vpc, SubnetIds: [s1, s2] })),
      "DuplicateSubnetsInSameZone",
      400,
    );
    const att = (await a.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw.TransitGatewayId, VpcId: vpc, SubnetIds: [s1, s3] }))).TransitGatewayVpcAttachment!;
    assert.match(att.TransitGatewayAttachmentId!, /^tgw-attach-[0-9a-f]{17}$/);
    assert.equal(att.State, "pending");
    assert.deepEqual(att.SubnetIds, [s1, s3]);
    assert.equal(att.VpcOwnerId, A);
    await expectError(
      a.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw.TransitGatewayId, VpcId: vpc, SubnetIds: [s2] })),
      "DuplicateTransitGatewayAttachment",
      400,
      /has non-deleted Transit Gateway Attachments with same VPC ID/,
    );
    const described = (await a.send(new DescribeTransitGatewayVpcAttachmentsCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }] }))).TransitGatewayVpcAttachments!;
    assert.equal(described.length, 1);
    assert.equal(described[0].State, "available");
    const generic = (await a.send(new DescribeTransitGatewayAttachmentsCommand({ TransitGatewayAttachmentIds: [att.TransitGatewayAttachmentId!] }))).TransitGatewayAttachments![0];
    assert.equal(generic.ResourceType, "vpc");
    assert.equal(generic.ResourceId, vpc);
    assert.deepEqual(generic.Association, { TransitGatewayRouteTableId: defaultRtb, State: "associated" });

    // One requester-managed network interface per subnet.
    const enis = (await a.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }] }))).NetworkInterfaces!;
    assert.deepEqual(enis.map((e) => [e.SubnetId, e.InterfaceType, e.RequesterManaged]).sort(), [
      [s1, "transit_gateway", true],
      [s3, "transit_gateway", true],
    ].sort());
    assert.equal(enis[0].Description, `Network Interface for Transit Gateway Attachment ${att.TransitGatewayAttachmentId}`);

    const assoc = await a.send(new GetTransitGatewayRouteTableAssociationsCommand({ TransitGatewayRouteTableId: defaultRtb }));
    assert.deepEqual(assoc.Associations!.map((x) => x.TransitGatewayAttachmentId), [att.TransitGatewayAttachmentId]);
    const props = await a.send(new GetTransitGatewayRouteTablePropagationsCommand({ TransitGatewayRouteTableId: defaultRtb }));
    assert.equal(props.TransitGatewayRouteTablePropagations![0].State, "enabled");
    assert.deepEqual(await search(defaultRtb, [{ Name: "type", Values: ["propagated"] }]), ["10.100.0.0/16 propagated active"]);

    // A second VPC with the same CIDR is attached but not propagated (AWS: overlapping ranges are not propagated).
    const twin = await newVpc(a, "10.100.0.0/16");
    const twinSubnet = await newSubnet(a, twin, "10.100.1.0/24", "us-east-1a");
    await a.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw.TransitGatewayId, VpcId: twin, SubnetIds: [twinSubnet] }));
    assert.deepEqual(await search(defaultRtb, [{ Name: "type", Values: ["propagated"] }]), ["10.100.0.0/16 propagated active"]);

    // Deleting the gateway while attachments exist: IncorrectState; after deleting them: fine.
    await expectError(a.send(new DeleteTransitGatewayCommand({ TransitGatewayId: tgw.TransitGatewayId })), "IncorrectState", 400, /has non-deleted Transit Gateway Attachments/);
    for (const x of (await a.send(new DescribeTransitGatewayAttachmentsCommand({ Filters: [{ Name: "transit-gateway-id", Values: [tgw.TransitGatewayId!] }] }))).TransitGatewayAttachments!) {
      const del = await a.send(new DeleteTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: x.TransitGatewayAttachmentId }));
      assert.equal(del.TransitGatewayVpcAttachment!.State, "deleting");
    }
    assert.equal(((await a.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }] }))).NetworkInterfaces ?? []).length, 0);
    const gone = await a.send(new DeleteTransitGatewayCommand({ TransitGatewayId: tgw.TransitGatewayId }));
    assert.equal(gone.TransitGateway!.State, "deleting");
    await expectError(a.send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: [tgw.TransitGatewayId!] })), "InvalidTransitGatewayID.NotFound", 400);
  });

  it("route tables: one association per attachment, static and blackhole routes, route search", async () => {
    const tgw = (await a.send(new CreateTransitGatewayCommand({ Options: { DefaultRouteTableAssociation: "disable", DefaultRouteTablePropagation: "disable" } }))).TransitGateway!;
    const rtb = (await a.send(new CreateTransitGatewayRouteTableCommand({ TransitGatewayId: tgw.TransitGatewayId }))).TransitGatewayRouteTable!.TransitGatewayRouteTableId!;
    const rtb2 = (await a.send(new CreateTransitGatewayRouteTableCommand({ TransitGatewayId: tgw.TransitGatewayId }))).TransitGatewayRouteTable!.TransitGatewayRouteTableId!;
    const vpc = await newVpc(a, "10.110.0.0/16");
    const s = await newSubnet(a, vpc, "10.110.1.0/24", "us-east-1a");
    const att = (await a.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw.TransitGatewayId, VpcId: vpc, SubnetIds: [s] }))).TransitGatewayVpcAttachment!.TransitGatewayAttachmentId!;
    assert.equal((await a.send(new GetTransitGatewayRouteTableAssociationsCommand({ TransitGatewayRouteTableId: rtb }))).Associations!.length, 0);
    const assoc = await a.send(new AssociateTransitGatewayRouteTableCommand({ TransitGatewayRouteTableId: rtb, TransitGatewayAttachmentId: att }));
    assert.equal(assoc.Association!.State, "associating");
    await expectError(a.send(new AssociateTransitGatewayRouteTableCommand({ TransitGatewayRouteTableId: rtb2, TransitGatewayAttachmentId: att })), "Resource.AlreadyAssociated", 400);
    await a.send(new EnableTransitGatewayRouteTablePropagationCommand({ TransitGatewayRouteTableId: rtb, TransitGatewayAttachmentId: att }));

    await a.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtb, DestinationCidrBlock: "0.0.0.0/0", TransitGatewayAttachmentId: att }));
    await a.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtb, DestinationCidrBlock: "10.0.1.0/29", TransitGatewayAttachmentId: att }));
    await a.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtb, DestinationCidrBlock: "10.0.1.0/31", TransitGatewayAttachmentId: att }));
    const bh = await a.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtb, DestinationCidrBlock: "192.168.0.0/16", Blackhole: true }));
    assert.deepEqual({ state: bh.Route!.State, type: bh.Route!.Type }, { state: "blackhole", type: "static" });
    await expectError(
      a.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtb, DestinationCidrBlock: "10.0.1.0/29", TransitGatewayAttachmentId: att })),
      "RouteAlreadyExists",
      400,
    );

    assert.deepEqual(await search(rtb, [{ Name: "state", Values: ["blackhole"] }]), ["192.168.0.0/16 static blackhole"]);
    assert.deepEqual(await search(rtb, [{ Name: "type", Values: ["static"] }, { Name: "state", Values: ["active"] }]), [
      "0.0.0.0/0 static active",
      "10.0.1.0/29 static active",
      "10.0.1.0/31 static active",
    ]);
    assert.deepEqual(await search(rtb, [{ Name: "route-search.exact-match", Values: ["10.0.1.0/29"] }]), ["10.0.1.0/29 static active"]);
    // The API Reference's examples: routes 10.0.1.0/29 and 10.0.1.0/31, filter 10.0.1.0/30.
    assert.deepEqual(await search(rtb, [{ Name: "route-search.subnet-of-match", Values: ["10.0.1.0/30"] }]), ["10.0.1.0/31 static active"]);
    assert.deepEqual(await search(rtb, [{ Name: "route-search.supernet-of-match", Values: ["10.0.1.0/30"] }]), ["0.0.0.0/0 static active", "10.0.1.0/29 static active"]);
    assert.deepEqual(await search(rtb, [{ Name: "route-search.longest-prefix-match", Values: ["10.0.1.1/32"] }]), ["10.0.1.0/31 static active"]);
    assert.deepEqual(await search(rtb, [{ Name: "route-search.longest-prefix-match", Values: ["10.110.5.5/32"] }]), ["10.110.0.0/16 propagated active"]);
    assert.deepEqual(await search(rtb, [{ Name: "attachment.transit-gateway-attachment-id", Values: [att] }, { Name: "type", Values: ["propagated"] }]), [
      "10.110.0.0/16 propagated active",
    ]);
    await expectError(a.send(new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: rtb, Filters: [{ Name: "nope", Values: ["x"] }] })), "InvalidParameterValue", 400);
    const limited = await a.send(new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: rtb, Filters: [{ Name: "type", Values: ["static"] }], MaxResults: 5 }));
    assert.equal(limited.AdditionalRoutesAvailable, false);

    const deleted = await a.send(new DeleteTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtb, DestinationCidrBlock: "10.0.1.0/31" }));
    assert.equal(deleted.Route!.State, "deleted");
    await expectError(a.send(new DeleteTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtb, DestinationCidrBlock: "10.0.1.0/31" })), "InvalidRoute.NotFound", 400);

    // Static routes to a deleted attachment turn into blackholes.
    await a.send(new DisassociateTransitGatewayRouteTableCommand({ TransitGatewayRouteTableId: rtb, TransitGatewayAttachmentId: att }));
    await a.send(new DeleteTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: att }));
    assert.deepEqual(await search(rtb, [{ Name: "route-search.exact-match", Values: ["0.0.0.0/0"] }]), ["0.0.0.0/0 static blackhole"]);
    // Another account cannot touch the route table.
    await expectError(
      c.send(new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: rtb, Filters: [{ Name: "type", Values: ["static"] }] })),
      "InvalidRouteTableID.NotFound",
      400,
    );
  });

  it("peering across Regions and accounts: accepted by the peer in its Region, static routes only", async () => {
    const east = (await a.send(new CreateTransitGatewayCommand({}))).TransitGateway!;
    const west = (await bWest.send(new CreateTransitGatewayCommand({ Options: { AmazonSideAsn: 64513 } }))).TransitGateway!;
    const created = (
      await a.send(
        new CreateTransitGatewayPeeringAttachmentCommand({
          TransitGatewayId: east.TransitGatewayId,
          PeerTransitGatewayId: west.TransitGatewayId,
          PeerAccountId: B,
          PeerRegion: "eu-west-1",
        }),
      )
    ).TransitGatewayPeeringAttachment!;
    assert.equal(created.State, "initiatingRequest");
    assert.deepEqual(created.AccepterTgwInfo, { TransitGatewayId: west.TransitGatewayId, OwnerId: B, Region: "eu-west-1" });
    const id = created.TransitGatewayAttachmentId!;
    await expectError(b.send(new AcceptTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: id })), "InvalidTransitGatewayAttachmentID.NotFound", 400);
    await expectError(a.send(new AcceptTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: id })), "OperationNotPermitted", 400);
    const seen = (await bWest.send(new DescribeTransitGatewayPeeringAttachmentsCommand({ TransitGatewayAttachmentIds: [id] }))).TransitGatewayPeeringAttachments![0];
    assert.equal(seen.State, "pendingAcceptance");
    const accepted = await bWest.send(new AcceptTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: id }));
    assert.equal(accepted.TransitGatewayPeeringAttachment!.State, "pending");
    assert.equal((await a.send(new DescribeTransitGatewayPeeringAttachmentsCommand({ TransitGatewayAttachmentIds: [id] }))).TransitGatewayPeeringAttachments![0].State, "available");

    // Each side sees the attachment from its own gateway.
    const fromWest = (await bWest.send(new DescribeTransitGatewayAttachmentsCommand({ TransitGatewayAttachmentIds: [id] }))).TransitGatewayAttachments![0];
    assert.deepEqual([fromWest.TransitGatewayId, fromWest.ResourceId, fromWest.ResourceType], [west.TransitGatewayId, east.TransitGatewayId, "peering"]);

    const eastRtb = east.Options!.AssociationDefaultRouteTableId!;
    await expectError(
      a.send(new EnableTransitGatewayRouteTablePropagationCommand({ TransitGatewayRouteTableId: eastRtb, TransitGatewayAttachmentId: id })),
      "InvalidParameterValue",
      400,
    );
    await a.send(new AssociateTransitGatewayRouteTableCommand({ TransitGatewayRouteTableId: eastRtb, TransitGatewayAttachmentId: id }));
    await a.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: eastRtb, DestinationCidrBlock: "10.200.0.0/16", TransitGatewayAttachmentId: id }));
    assert.deepEqual(await search(eastRtb, [{ Name: "attachment.resource-type", Values: ["peering"] }]), ["10.200.0.0/16 static active"]);
    const westRtb = west.Options!.AssociationDefaultRouteTableId!;
    await bWest.send(new AssociateTransitGatewayRouteTableCommand({ TransitGatewayRouteTableId: westRtb, TransitGatewayAttachmentId: id }));
    await bWest.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: westRtb, DestinationCidrBlock: "10.100.0.0/16", TransitGatewayAttachmentId: id }));
    await expectError(a.send(new DeleteTransitGatewayCommand({ TransitGatewayId: east.TransitGatewayId })), "IncorrectState", 400);
  });

  it("the AWS CLI v2 creates and lists gateways and routes", async () => {
    const env = { AWS_ACCESS_KEY_ID: A };
    const created = await awsCli(cb.endpoint, ["ec2", "create-transit-gateway", "--description", "cli"], env);
    assert.equal(created.code, 0, created.stderr);
    const rtb = created.json.TransitGateway.Options.AssociationDefaultRouteTableId as string;
    const route = await awsCli(cb.endpoint, ["ec2", "create-transit-gateway-route", "--transit-gateway-route-table-id", rtb, "--destination-cidr-block", "172.16.0.0/12", "--blackhole"], env);
    assert.equal(route.code, 0, route.stderr);
    const found = await awsCli(cb.endpoint, ["ec2", "search-transit-gateway-routes", "--transit-gateway-route-table-id", rtb, "--filters", "Name=state,Values=blackhole"], env);
    assert.equal(found.code, 0, found.stderr);
    assert.equal(found.json.Routes[0].DestinationCidrBlock, "172.16.0.0/12");
    assert.equal(found.json.AdditionalRoutesAvailable, false);
  });
});
