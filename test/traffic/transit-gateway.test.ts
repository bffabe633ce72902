/**
 * Hub and spoke: three VPCs attached to one transit gateway (default association and propagation),
 * each subnet routing 10.0.0.0/8 to the gateway. Spoke to spoke passes through the gateway's route
 * table (propagated routes); a static blackhole route isolates one spoke (TGW_RTB_BAD_STATE_ROUTE
 * on the transit gateway route table). Also through Reachability Analyzer.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkInsightsPathCommand,
  CreateRouteCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTransitGatewayCommand,
  CreateTransitGatewayRouteCommand,
  CreateTransitGatewayVpcAttachmentCommand,
  CreateVpcCommand,
  DescribeNetworkInsightsAnalysesCommand,
  DescribeRouteTablesCommand,
  DescribeTransitGatewaysCommand,
  EC2Client,
  RunInstancesCommand,
  StartNetworkInsightsAnalysisCommand,
} from "@aws-sdk/client-ec2";
import { probe } from "../../src/cli/probe.js";
import type { Cloudbox } from "../helpers/cloudbox.js";
import { AMI, startTrafficCloudbox } from "./helpers.js";

describe("traffic: transit gateway hub and spoke", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  let tgw: string;
  let rtb: string;
  const spokes: Array<{ vpc: string; instance: string; ip: string; att: string }> = [];
  before(async () => {
    cb = await startTrafficCloudbox();
    ec2 = new EC2Client(cb.clientConfig);
    tgw = (await ec2.send(new CreateTransitGatewayCommand({ Description: "hub" }))).TransitGateway!.TransitGatewayId!;
    rtb = (await ec2.send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: [tgw] }))).TransitGateways![0].Options!.AssociationDefaultRouteTableId!;
    for (const k of [1, 2, 3]) {
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${k}.0.0/16` }))).Vpc!.VpcId!;
      const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.${k}.1.0/24` }))).Subnet!.SubnetId!;
      const sg = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: `spoke${k}`, Description: "spoke" }))).GroupId!;
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] }));
      const att = (await ec2.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw, VpcId: vpc, SubnetIds: [subnet] }))).TransitGatewayVpcAttachment!.TransitGatewayAttachmentId!;
      const main = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }] }))).RouteTables![0].RouteTableId!;
      await ec2.send(new CreateRouteCommand({ RouteTableId: main, DestinationCidrBlock: "10.0.0.0/8", TransitGatewayId: tgw }));
      const i = (await ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, SubnetId: subnet, SecurityGroupIds: [sg] }))).Instances![0];
      spokes.push({ vpc, instance: i.InstanceId!, ip: i.PrivateIpAddress!, att });
    }
  });
  after(() => cb.stop());

  it("spoke 1 -> spoke 2 through the transit gateway (propagated route)", async () => {
    const r = await probe(cb.endpoint, { from: spokes[0].instance, to: spokes[1].instance, port: 443 });
    assert.equal(r.verdict, "ACCEPT", JSON.stringify(r.blockedAt));
    const types = r.forwardPath.map((h) => h.componentType);
    assert.ok(types.includes("transit-gateway") || types.includes("transit-gateway-route-table"), types.join(" "));
    const tgwRoute = r.forwardPath.find((h) => h.transitGatewayRoute)!.transitGatewayRoute!;
    assert.deepEqual([tgwRoute.origin, tgwRoute.matchedCidr], ["propagated", "10.2.0.0/16"]);
  });

  it("a blackhole route isolates spoke 3, in probes and in Reachability Analyzer", async () => {
    await ec2.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtb, DestinationCidrBlock: "10.3.0.0/16", Blackhole: true }));
    const r = await probe(cb.endpoint, { from: spokes[0].instance, to: spokes[2].instance, port: 443 });
    assert.equal(r.verdict, "REJECT");
    assert.deepEqual([r.blockedAt!.componentId, r.blockedAt!.explanationCode], [rtb, "TGW_RTB_BAD_STATE_ROUTE"]);
    assert.equal((await probe(cb.endpoint, { from: spokes[0].instance, to: spokes[1].instance, port: 443 })).verdict, "ACCEPT");
    const path = (await ec2.send(new CreateNetworkInsightsPathCommand({ Source: spokes[0].instance, Destination: spokes[2].instance, Protocol: "tcp", DestinationPort: 443 }))).NetworkInsightsPath!;
    const id = (await ec2.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId }))).NetworkInsightsAnalysis!.NetworkInsightsAnalysisId!;
    const a = (await ec2.send(new DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsAnalysisIds: [id] }))).NetworkInsightsAnalyses![0];
    assert.equal(a.NetworkPathFound, false);
    assert.equal(a.Explanations![0].ExplanationCode, "TGW_RTB_BAD_STATE_ROUTE");
    assert.equal(a.Explanations![0].Component!.Arn, `arn:aws:ec2:us-east-1:000000000000:transit-gateway-route-table/${rtb}`);
  });
});
