/**
 * VPC peering end to end (SDK v3 and AWS CLI v2): same account, cross account, cross Region,
 * overlapping CIDRs, accept/reject/delete rules, filters, DryRun, wrong-account access, routes.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AcceptVpcPeeringConnectionCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeRouteTablesCommand,
  DescribeVpcPeeringConnectionsCommand,
  ModifyVpcPeeringConnectionOptionsCommand,
  RejectVpcPeeringConnectionCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { awsCli } from "../helpers/aws-cli.js";
import { A, B, ec2For, expectError, newVpc } from "./connectivity-helpers.js";

describe("connectivity: VPC peering", () => {
  let cb: Cloudbox;
  let a: EC2Client;
  let b: EC2Client;
  let bWest: EC2Client;
  let c: EC2Client;
  before(async () => {
    cb = await startCloudbox();
    a = ec2For(cb, A);
    b = ec2For(cb, B);
    bWest = ec2For(cb, B, "eu-west-1");
    c = ec2For(cb, "333333333333");
  });
  after(() => cb.stop());

  const describeOne = async (client: EC2Client, id: string) =>
    (await client.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }))).VpcPeeringConnections![0];

  it("same account: initiating-request, then pending-acceptance, then active after accept", async () => {
    const v1 = await newVpc(a, "10.1.0.0/16");
    const v2 = await newVpc(a, "10.2.0.0/16");
    const created = await a.send(
      new CreateVpcPeeringConnectionCommand({
        VpcId: v1,
        PeerVpcId: v2,
        TagSpecifications: [{ ResourceType: "vpc-peering-connection", Tags: [{ Key: "Name", Value: "p1" }] }],
      }),
    );
    const pcx = created.VpcPeeringConnection!;
    assert.match(pcx.VpcPeeringConnectionId!, /^pcx-[0-9a-f]{17}$/);
    assert.deepEqual(pcx.Status, { Code: "initiating-request", Message: `Initiating Request to ${A}` });
    assert.equal(pcx.RequesterVpcInfo!.CidrBlock, "10.1.0.0/16");
    assert.equal(pcx.RequesterVpcInfo!.Region, "us-east-1");
    assert.deepEqual(pcx.Tags, [{ Key: "Name", Value: "p1" }]);
    assert.ok(pcx.ExpirationTime instanceof Date);

    const pending = await describeOne(a, pcx.VpcPeeringConnectionId!);
    assert.deepEqual(pending.Status, { Code: "pending-acceptance", Message: `Pending Acceptance by ${A}` });
    assert.deepEqual(pending.AccepterVpcInfo, { OwnerId: A, VpcId: v2, Region: "us-east-1" });

    const accepted = await a.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx.VpcPeeringConnectionId }));
    assert.deepEqual(accepted.VpcPeeringConnection!.Status, { Code: "active", Message: "Active" });
    assert.equal(accepted.VpcPeeringConnection!.AccepterVpcInfo!.CidrBlock, "10.2.0.0/16");
    assert.deepEqual(accepted.VpcPeeringConnection!.AccepterVpcInfo!.CidrBlockSet, [{ CidrBlock: "10.2.0.0/16" }]);
    assert.equal(accepted.VpcPeeringConnection!.ExpirationTime, undefined);

    // A route to the pcx- target through the vpc family's CreateRoute.
    const rtb = (await a.send(new CreateRouteTableCommand({ VpcId: v1 }))).RouteTable!.RouteTableId!;
    await a.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "10.2.0.0/16", VpcPeeringConnectionId: pcx.VpcPeeringConnectionId }));
    const route = (await a.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0].Routes!.find(
      (r) => r.DestinationCidrBlock === "10.2.0.0/16",
    )!;
    assert.equal(route.VpcPeeringConnectionId, pcx.VpcPeeringConnectionId);
    assert.equal(route.State, "active");

    // Accepting twice is an invalid transition; deleting makes it "deleted" and the route a blackhole.
    await expectError(a.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx.VpcPeeringConnectionId })), "InvalidStateTransition", 400);
    assert.deepEqual(await a.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx.VpcPeeringConnectionId })).then((r) => r.Return), true);
    assert.deepEqual((await describeOne(a, pcx.VpcPeeringConnectionId!)).Status, { Code: "deleted", Message: `Deleted by ${A}` });
    const after = (await a.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0].Routes!.find(
      (r) => r.DestinationCidrBlock === "10.2.0.0/16",
    )!;
    assert.equal(after.State, "blackhole");
    await expectError(
      a.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx.VpcPeeringConnectionId })),
      "InvalidStateTransition",
      400,
      /from deleted to deleting/,
    );
  });

  it("overlapping CIDRs: the connection is created in status failed with AWS's message", async () => {
    const v1 = await newVpc(a, "10.10.0.0/16");
    const v2 = await newVpc(a, "10.10.128.0/17");
    const out = await a.send(new CreateVpcPeeringConnectionCommand({ VpcId: v1, PeerVpcId: v2 }));
    assert.deepEqual(out.VpcPeeringConnection!.Status, {
      Code: "failed",
      Message: "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range",
    });
    const id = out.VpcPeeringConnection!.VpcPeeringConnectionId!;
    await expectError(a.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "InvalidStateTransition", 400);
    await expectError(a.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "InvalidStateTransition", 400, /from failed to deleting/);
    // A peer VPC that does not exist in the named account fails the same way.
    const ghost = await a.send(new CreateVpcPeeringConnectionCommand({ VpcId: v1, PeerVpcId: "vpc-0123456789abcdef0", PeerOwnerId: B }));
    assert.equal(ghost.VpcPeeringConnection!.Status!.Code, "failed");
  });

  it("cross account in one Region: visible to both, only the accepter accepts, others see nothing", async () => {
    const va = await newVpc(a, "10.20.0.0/16");
    const vb = await newVpc(b, "10.21.0.0/16");
    const id = (await a.send(new CreateVpcPeeringConnectionCommand({ VpcId: va, PeerVpcId: vb, PeerOwnerId: B }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
    const seenByB = await describeOne(b, id);
    assert.equal(seenByB.RequesterVpcInfo!.OwnerId, A);
    assert.equal(seenByB.AccepterVpcInfo!.OwnerId, B);
    await expectError(a.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "OperationNotPermitted", 400);
    await expectError(c.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "InvalidVpcPeeringConnectionID.NotFound", 400);
    await expectError(describeOne(c, id), "InvalidVpcPeeringConnectionID.NotFound", 400, new RegExp(id));
    // The accepter cannot delete a pending request; DryRun answers 412.
    await expectError(b.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "OperationNotPermitted", 400);
    await expectError(b.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id, DryRun: true })), "DryRunOperation", 412);
    const accepted = await b.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    assert.equal(accepted.VpcPeeringConnection!.Status!.Code, "active");
    assert.equal((await describeOne(a, id)).Status!.Code, "active");

    // The accepter's route table can name the connection (it is shared into B's scope).
    const rtb = (await b.send(new CreateRouteTableCommand({ VpcId: vb }))).RouteTable!.RouteTableId!;
    await b.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "10.20.0.0/16", VpcPeeringConnectionId: id }));

    // Options: each side its own, only on active connections.
    const mod = await b.send(
      new ModifyVpcPeeringConnectionOptionsCommand({ VpcPeeringConnectionId: id, AccepterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: true } }),
    );
    assert.equal(mod.AccepterPeeringConnectionOptions!.AllowDnsResolutionFromRemoteVpc, true);
    await expectError(
      b.send(new ModifyVpcPeeringConnectionOptionsCommand({ VpcPeeringConnectionId: id, RequesterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: true } })),
      "OperationNotPermitted",
      400,
    );
    assert.equal((await describeOne(a, id)).AccepterVpcInfo!.PeeringOptions!.AllowDnsResolutionFromRemoteVpc, true);

    // Either side may delete an active connection.
    await b.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    assert.deepEqual((await describeOne(a, id)).Status, { Code: "deleted", Message: `Deleted by ${B}` });
  });

  it("reject: only by the accepter, only while pending; a rejected connection cannot be deleted", async () => {
    const va = await newVpc(a, "10.30.0.0/16");
    const vb = await newVpc(b, "10.31.0.0/16");
    const id = (await a.send(new CreateVpcPeeringConnectionCommand({ VpcId: va, PeerVpcId: vb, PeerOwnerId: B }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
    await expectError(a.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "OperationNotPermitted", 400);
    assert.equal((await b.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }))).Return, true);
    assert.equal((await describeOne(a, id)).Status!.Code, "rejected");
    await expectError(
      a.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })),
      "InvalidStateTransition",
      400,
      /attempted to transition from rejected to deleting/,
    );
  });

  it("cross Region: the accepter sees and accepts it in its own Region only", async () => {
    const va = await newVpc(a, "10.40.0.0/16");
    const vb = await newVpc(bWest, "10.41.0.0/16");
    const id = (
      await a.send(new CreateVpcPeeringConnectionCommand({ VpcId: va, PeerVpcId: vb, PeerOwnerId: B, PeerRegion: "eu-west-1" }))
    ).VpcPeeringConnection!.VpcPeeringConnectionId!;
    await expectError(b.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "InvalidVpcPeeringConnectionID.NotFound", 400);
    const seen = await describeOne(bWest, id);
    assert.equal(seen.RequesterVpcInfo!.Region, "us-east-1");
    assert.equal(seen.AccepterVpcInfo!.Region, "eu-west-1");
    const accepted = await bWest.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    assert.equal(accepted.VpcPeeringConnection!.AccepterVpcInfo!.CidrBlock, "10.41.0.0/16");
    assert.equal((await describeOne(a, id)).Status!.Code, "active");
    // Both sides route to the other through the connection, each in its own Region.
    for (const [client, vpc, cidr] of [[a, va, "10.41.0.0/16"], [bWest, vb, "10.40.0.0/16"]] as const) {
      const table = (await client.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }] }))).RouteTables![0];
      await client.send(new CreateRouteCommand({ RouteTableId: table.RouteTableId, DestinationCidrBlock: cidr, VpcPeeringConnectionId: id }));
      const routes = (await client.send(new DescribeRouteTablesCommand({ RouteTableIds: [table.RouteTableId!] }))).RouteTables![0].Routes!;
      assert.equal(routes.find((r) => r.DestinationCidrBlock === cidr)?.State, "active");
    }
  });

  it("filters, paging, unknown ids and unknown filters", async () => {
    const va = await newVpc(a, "10.50.0.0/16");
    const vb = await newVpc(b, "10.51.0.0/16");
    const id = (
      await a.send(
        new CreateVpcPeeringConnectionCommand({
          VpcId: va,
          PeerVpcId: vb,
          PeerOwnerId: B,
          TagSpecifications: [{ ResourceType: "vpc-peering-connection", Tags: [{ Key: "team", Value: "net" }] }],
        }),
      )
    ).VpcPeeringConnection!.VpcPeeringConnectionId!;
    const by = async (Name: string, Values: string[]) =>
      ((await a.send(new DescribeVpcPeeringConnectionsCommand({ Filters: [{ Name, Values }] }))).VpcPeeringConnections ?? []).map(
        (p) => p.VpcPeeringConnectionId,
      );
    assert.deepEqual(await by("requester-vpc-info.vpc-id", [va]), [id]);
    assert.deepEqual(await by("requester-vpc-info.cidr-block", ["10.50.0.0/16"]), [id]);
    assert.deepEqual(await by("accepter-vpc-info.vpc-id", [vb]), [id]);
    assert.ok((await by("accepter-vpc-info.owner-id", [B])).includes(id));
    assert.ok((await by("requester-vpc-info.owner-id", [A])).includes(id));
    assert.ok((await by("status-code", ["pending-acceptance"])).includes(id));
    assert.ok(!(await by("status-code", ["active"])).includes(id));
    assert.deepEqual(await by("tag:team", ["net"]), [id]);
    assert.ok((await by("tag-key", ["team"])).includes(id));
    assert.deepEqual(await by("vpc-peering-connection-id", [id]), [id]);
    assert.ok((await by("status-message", [`Pending Acceptance by ${B}`])).includes(id));
    await expectError(a.send(new DescribeVpcPeeringConnectionsCommand({ Filters: [{ Name: "bogus", Values: ["x"] }] })), "InvalidParameterValue", 400);
    await expectError(
      a.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: ["pcx-0000000000000000f"] })),
      "InvalidVpcPeeringConnectionID.NotFound",
      400,
    );
    const page1 = await a.send(new DescribeVpcPeeringConnectionsCommand({ MaxResults: 5 }));
    assert.equal(page1.VpcPeeringConnections!.length, 5);
    assert.ok(page1.NextToken);
    await expectError(a.send(new CreateVpcPeeringConnectionCommand({ VpcId: "vpc-0000000000000000f", PeerVpcId: vb })), "InvalidVpcID.NotFound", 400);
    // B cannot request a peering from A's VPC.
    await expectError(b.send(new CreateVpcPeeringConnectionCommand({ VpcId: va, PeerVpcId: vb })), "InvalidVpcID.NotFound", 400);
    await expectError(a.send(new CreateVpcPeeringConnectionCommand({ VpcId: va, PeerVpcId: vb, PeerOwnerId: B, DryRun: true })), "DryRunOperation", 412);
  });

  it("the AWS CLI v2 drives the same flow", async () => {
    const env = { AWS_ACCESS_KEY_ID: A };
    const va = await newVpc(a, "10.60.0.0/16");
    const vb = await newVpc(a, "10.61.0.0/16");
    const created = await awsCli(cb.endpoint, ["ec2", "create-vpc-peering-connection", "--vpc-id", va, "--peer-vpc-id", vb], env);
    assert.equal(created.code, 0, created.stderr);
    const id = created.json.VpcPeeringConnection.VpcPeeringConnectionId as string;
    const accepted = await awsCli(cb.endpoint, ["ec2", "accept-vpc-peering-connection", "--vpc-peering-connection-id", id], env);
    assert.equal(accepted.code, 0, accepted.stderr);
    const listed = await awsCli(cb.endpoint, ["ec2", "describe-vpc-peering-connections", "--filters", "Name=status-code,Values=active", `Name=vpc-peering-connection-id,Values=${id}`], env);
    assert.equal(listed.json.VpcPeeringConnections[0].Status.Code, "active");
    const bad = await awsCli(cb.endpoint, ["ec2", "accept-vpc-peering-connection", "--vpc-peering-connection-id", "pcx-0000000000000000f"], env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /InvalidVpcPeeringConnectionID\.NotFound/);
  });

  // Last: it moves the clock forward.
  it("a request not accepted within 7 days expires", async () => {
    const va = await newVpc(a, "10.70.0.0/16");
    const vb = await newVpc(b, "10.71.0.0/16");
    const id = (await a.send(new CreateVpcPeeringConnectionCommand({ VpcId: va, PeerVpcId: vb, PeerOwnerId: B }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
    const expires = (await describeOne(a, id)).ExpirationTime!;
    assert.ok(Math.abs(expires.getTime() - (cb.clock.now() + 7 * 24 * 3600 * 1000)) < 60_000);
    cb.clock.advance(7 * 24 * 3600 * 1000 + 1000);
    assert.deepEqual((await describeOne(b, id)).Status, { Code: "expired", Message: "Expired" });
    await expectError(b.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "InvalidStateTransition", 400, /from expired to active/);
  });
});
