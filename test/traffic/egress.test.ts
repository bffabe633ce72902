/**
 * Leaving the VPC: a private subnet reaches the internet through a NAT gateway (source translated
 * to the NAT gateway's Elastic IP), a public instance through the internet gateway, and S3 through
 * a gateway endpoint (its prefix-list route) with no NAT at all; a private subnet without NAT and
 * without endpoint has no route. Flow log records carry traffic-path (8: internet gateway,
 * 7: gateway endpoint, 1: same VPC / NAT gateway).
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateFlowLogsCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  EC2Client,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { probe } from "../../src/cli/probe.js";
import type { Cloudbox } from "../helpers/cloudbox.js";
import { AMI, startTrafficCloudbox } from "./helpers.js";

describe("traffic: egress through NAT, internet gateway and gateway endpoint", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  const ids: Record<string, string> = {};
  before(async () => {
    cb = await startTrafficCloudbox();
    ec2 = new EC2Client(cb.clientConfig);
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16" }))).Vpc!.VpcId!;
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
    const pub = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.9.0.0/24" }))).Subnet!.SubnetId!;
    const priv = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.9.1.0/24" }))).Subnet!.SubnetId!;
    const isolated = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.9.2.0/24" }))).Subnet!.SubnetId!;
    const pubRtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: pubRtb, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw }));
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: pubRtb, SubnetId: pub }));
    const eip = (await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!;
    const nat = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: pub, AllocationId: eip }))).NatGateway!;
    const privRtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: privRtb, DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: nat.NatGatewayId }));
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: privRtb, SubnetId: priv }));
    const isoRtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: isoRtb, SubnetId: isolated }));
    const vpce = (await ec2.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: "com.amazonaws.us-east-1.s3", VpcEndpointType: "Gateway", RouteTableIds: [isoRtb] }))).VpcEndpoint!.VpcEndpointId!;
    const run = async (SubnetId: string, pubIp: boolean) =>
      (await ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, NetworkInterfaces: [{ DeviceIndex: 0, SubnetId, AssociatePublicIpAddress: pubIp }] }))).Instances![0].InstanceId!;
    Object.assign(ids, { vpc, igw, nat: nat.NatGatewayId!, natIp: nat.NatGatewayAddresses?.[0]?.PublicIp ?? "", vpce, isoRtb, web: await run(pub, true), worker: await run(priv, false), batch: await run(isolated, false) });
    await ec2.send(new CreateFlowLogsCommand({ ResourceType: "VPC", ResourceIds: [vpc], TrafficType: "ALL", LogGroupName: "egress", DeliverLogsPermissionArn: "arn:aws:iam::000000000000:role/fl", LogFormat: "${interface-id} ${srcaddr} ${dstaddr} ${action} ${flow-direction} ${traffic-path}" }));
  });
  after(() => cb.stop());

  it("public instance -> internet through the internet gateway (traffic-path 8)", async () => {
    const r = await probe(cb.endpoint, { from: ids.web, to: "internet", port: 443 });
    assert.equal(r.verdict, "ACCEPT", JSON.stringify(r.blockedAt));
    assert.ok(r.forwardPath.some((h) => h.componentId === ids.igw));
    assert.match(r.records[0].line, / ACCEPT egress 8$/);
  });

  it("private instance -> internet through the NAT gateway, source translated (traffic-path 1)", async () => {
    const r = await probe(cb.endpoint, { from: ids.worker, to: "internet", port: 443 });
    assert.equal(r.verdict, "ACCEPT", JSON.stringify(r.blockedAt));
    const natHop = r.forwardPath.find((h) => h.componentId === ids.nat)!;
    assert.ok(natHop, "the NAT gateway is on the path");
    // The NAT gateway puts its own private address as the source; the internet gateway then maps
    // that to the NAT gateway's Elastic IP (AWS: "NAT gateway basics" in the VPC User Guide).
    assert.match(natHop.packet.sourceAddress, /^10\.9\.0\./);
    const igwHop = r.forwardPath.find((h) => h.componentId === ids.igw)!;
    if (ids.natIp) assert.equal(igwHop.packet.sourceAddress, ids.natIp);
    assert.match(r.records[0].line, / ACCEPT egress 1$/);
  });

  it("isolated instance -> S3 through the gateway endpoint (traffic-path 7); -> internet: no route", async () => {
    const r = await probe(cb.endpoint, { from: ids.batch, to: "s3", port: 443 });
    assert.equal(r.verdict, "ACCEPT", JSON.stringify(r.blockedAt));
    assert.ok(r.forwardPath.some((h) => h.componentId === ids.vpce));
    assert.match(r.records[0].line, / ACCEPT egress 7$/);
    const none = await probe(cb.endpoint, { from: ids.batch, to: "internet", port: 443 });
    assert.deepEqual([none.verdict, none.blockedAt!.componentId, none.blockedAt!.explanationCode], ["REJECT", ids.isoRtb, "NO_ROUTE_TO_DESTINATION"]);
  });
});
