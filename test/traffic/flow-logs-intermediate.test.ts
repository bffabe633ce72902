/**
 * Flow log records on the interfaces a connection crosses without ending there, as AWS writes
 * them ("Flow log record examples", https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html):
 * - a NAT gateway's interface: four records per connection (request in from the instance with
 *   dstaddr the gateway's address and pkt-dstaddr the internet host, request out, reply in, reply
 *   out with srcaddr the gateway and pkt-srcaddr the host), instance-id '-';
 * - a transit gateway attachment's interface: in the client's VPC the request in and the reply out,
 *   in the server's VPC the request out (srcaddr the interface, pkt-srcaddr the client) and the
 *   reply in (dstaddr the interface, pkt-dstaddr the client);
 * - an interface endpoint's interface: the request in and the reply out, REJECT when the
 *   endpoint's security group refuses;
 * - a subnet network ACL refusing traffic into such an interface: REJECT on that interface;
 * - the NAT gateway's interface is an EC2 network interface (requester-managed, nat_gateway): a
 *   flow log on it alone (ResourceType NetworkInterface) receives its records.
 * Built through the EC2 API (SDK v3), probed, read from the probe's records and from CloudWatch Logs.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateFlowLogsCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTransitGatewayCommand,
  CreateTransitGatewayVpcAttachmentCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  EC2Client,
  ReplaceNetworkAclAssociationCommand,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { flushFlowLogs, probe, type ProbeResult } from "../../src/cli/probe.js";
import { INTERNET_SERVER } from "../../src/engines/reachability/index.js";
import type { Cloudbox } from "../helpers/cloudbox.js";
import { AMI, startTrafficCloudbox } from "./helpers.js";

const ROLE = "arn:aws:iam::000000000000:role/flow-logs";
/** The AWS page's NAT gateway and transit gateway examples use these fields (plus flow-direction, action, traffic-path here). */
const FORMAT = "${instance-id} ${interface-id} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr} ${flow-direction} ${action} ${traffic-path}";
const HOST = INTERNET_SERVER[4];

/** The probe's records of one flow log, as "instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr direction action path". */
const linesOf = (r: ProbeResult, flowLogId: string, interfaceId?: string): string[] =>
  r.records.filter((x) => x.flowLogId === flowLogId && (!interfaceId || x.interfaceId === interfaceId)).map((x) => x.line).sort();

describe("traffic: flow log records on NAT gateway, transit gateway and endpoint interfaces", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  before(async () => {
    cb = await startTrafficCloudbox();
    ec2 = new EC2Client(cb.clientConfig);
  });
  after(() => cb.stop());

  const vpc = async (cidr: string) => (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
  const subnet = async (vpcId: string, cidr: string) =>
    (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: "us-east-1a" }))).Subnet!.SubnetId!;
  const mainTable = async (vpcId: string) =>
    (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }, { Name: "association.main", Values: ["true"] }] }))).RouteTables![0].RouteTableId!;
  const instance = async (subnetId: string, groups?: string[]) => {
    const i = (await ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, SubnetId: subnetId, ...(groups ? { SecurityGroupIds: groups } : {}) }))).Instances![0];
    return { id: i.InstanceId!, eni: i.NetworkInterfaces![0].NetworkInterfaceId!, ip: i.PrivateIpAddress! };
  };
  const flowLog = async (type: "VPC" | "Subnet" | "NetworkInterface", id: string, group: string) =>
    (await ec2.send(new CreateFlowLogsCommand({ ResourceType: type, ResourceIds: [id], TrafficType: "ALL", LogGroupName: group, DeliverLogsPermissionArn: ROLE, LogFormat: FORMAT, MaxAggregationInterval: 60 }))).FlowLogIds![0];
  /** A fresh network ACL on a subnet with the given entries [egress, rule, cidr] (all protocols, allow). */
  const aclOn = async (vpcId: string, subnetId: string, entries: Array<[boolean, number, string]>) => {
    const acl = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl!.NetworkAclId!;
    for (const [egress, rule, cidr] of entries)
      await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl, Egress: egress, RuleNumber: rule, Protocol: "-1", CidrBlock: cidr, RuleAction: "allow" }));
    const current = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "association.subnet-id", Values: [subnetId] }] }))).NetworkAcls![0];
    const assoc = current.Associations!.find((a) => a.SubnetId === subnetId)!.NetworkAclAssociationId!;
    await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc, NetworkAclId: acl }));
    return acl;
  };

  it("a NAT gateway's interface records the request and the reply on both sides of the translation", async () => {
    const v = await vpc("10.20.0.0/16");
    const pub = await subnet(v, "10.20.0.0/24");
    const priv = await subnet(v, "10.20.1.0/24");
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: v }));
    const pubRtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: v }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: pubRtb, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw }));
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: pubRtb, SubnetId: pub }));
    const eip = (await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!;
    const nat = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: pub, AllocationId: eip }))).NatGateway!;
    const natEni = nat.NatGatewayAddresses![0].NetworkInterfaceId!;
    const natIp = nat.NatGatewayAddresses![0].PrivateIp!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: await mainTable(v), DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: nat.NatGatewayId }));
    const app = await instance(priv);
    const group = "/cloudbox/flow-logs/nat";
    const fl = await flowLog("VPC", v, group);
    // The NAT gateway's interface is a network interface of its own (requester-managed-eni.html),
    // so a flow log can watch it alone.
    const natEniDoc = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [natEni] }))).NetworkInterfaces![0];
    assert.deepEqual([natEniDoc.InterfaceType, natEniDoc.RequesterManaged, natEniDoc.PrivateIpAddress], ["nat_gateway", true, natIp]);
    const eniGroup = "/cloudbox/flow-logs/nat-eni";
    const flEni = await flowLog("NetworkInterface", natEni, eniGroup);

    const r = await probe(cb.endpoint, { from: app.id, to: "internet", port: 443 });
    assert.equal(r.verdict, "ACCEPT", JSON.stringify(r.blockedAt));
    // flow-logs-records-examples.html, "Traffic through a NAT gateway": the same four lines.
    assert.deepEqual(linesOf(r, fl, natEni), [
      `- ${natEni} ${HOST} ${natIp} ${HOST} ${natIp} ingress ACCEPT -`,
      `- ${natEni} ${app.ip} ${natIp} ${app.ip} ${HOST} ingress ACCEPT -`,
      `- ${natEni} ${natIp} ${HOST} ${natIp} ${HOST} egress ACCEPT 8`,
      `- ${natEni} ${natIp} ${app.ip} ${HOST} ${app.ip} egress ACCEPT 1`,
    ].sort());
    // The instance's interface is not an intermediate: srcaddr/dstaddr and pkt-* agree.
    assert.deepEqual(linesOf(r, fl, app.eni), [
      `${app.id} ${app.eni} ${HOST} ${app.ip} ${HOST} ${app.ip} ingress ACCEPT -`,
      `${app.id} ${app.eni} ${app.ip} ${HOST} ${app.ip} ${HOST} egress ACCEPT 1`,
    ].sort());
    // The flow log on the NAT gateway's interface gets its four records, and nothing else.
    assert.deepEqual(linesOf(r, flEni), linesOf(r, fl, natEni));

    // Delivered to CloudWatch Logs in the NAT gateway interface's own stream, in both groups.
    await flushFlowLogs(cb.endpoint);
    const logs = new CloudWatchLogsClient(cb.clientConfig);
    for (const g of [group, eniGroup]) {
      const events = (await logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: `${natEni}-all`, startFromHead: true }))).events!;
      assert.equal(events.length, 4, g);
    }
    logs.destroy();

    // Naming the NAT gateway's interface in a probe names the gateway: it starts no connection.
    const fromNat = await probe(cb.endpoint, { from: natEni, to: "internet", port: 443 });
    assert.deepEqual([fromNat.verdict, fromNat.blockedAt?.explanationCode, fromNat.blockedAt?.componentId], ["REJECT", "NO_SOURCE_OR_DESTINATION", nat.NatGatewayId]);
    assert.deepEqual(linesOf(fromNat, flEni), []);

    // The public subnet's ACL lets the instance in but not the internet's replies: the reply is
    // REJECT on the NAT gateway's interface, where the ACL sits, and never reaches the instance.
    const acl = await aclOn(v, pub, [[false, 100, "10.20.0.0/16"], [true, 100, "0.0.0.0/0"]]);
    const refused = await probe(cb.endpoint, { from: app.id, to: "internet", port: 443 });
    assert.equal(refused.verdict, "REJECT");
    assert.deepEqual([refused.blockedAt!.componentId, refused.blockedAt!.path, refused.blockedAt!.direction], [acl, "return", "ingress"]);
    assert.deepEqual(linesOf(refused, fl, natEni), [
      `- ${natEni} ${HOST} ${natIp} ${HOST} ${natIp} ingress REJECT -`,
      `- ${natEni} ${app.ip} ${natIp} ${app.ip} ${HOST} ingress ACCEPT -`,
      `- ${natEni} ${natIp} ${HOST} ${natIp} ${HOST} egress ACCEPT 8`,
    ].sort());
    assert.deepEqual(linesOf(refused, fl, app.eni), [`${app.id} ${app.eni} ${app.ip} ${HOST} ${app.ip} ${HOST} egress ACCEPT 1`]);
    assert.deepEqual(linesOf(refused, flEni), linesOf(refused, fl, natEni));
  });

  it("transit gateway attachment interfaces record what they hand into and take out of their VPC", async () => {
    const tgw = (await ec2.send(new CreateTransitGatewayCommand({}))).TransitGateway!.TransitGatewayId!;
    // Client VPC: the instance in one subnet, the attachment in another (its own ACL applies).
    const va = await vpc("10.31.0.0/16");
    const aApp = await subnet(va, "10.31.1.0/24");
    const aTgw = await subnet(va, "10.31.2.0/24");
    // Server VPC: instance and attachment share one subnet (no ACL between them: tgw-nacls.html).
    const vb = await vpc("10.32.0.0/16");
    const bApp = await subnet(vb, "10.32.1.0/24");
    const attA = (await ec2.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw, VpcId: va, SubnetIds: [aTgw] }))).TransitGatewayVpcAttachment!.TransitGatewayAttachmentId!;
    const attB = (await ec2.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw, VpcId: vb, SubnetIds: [bApp] }))).TransitGatewayVpcAttachment!.TransitGatewayAttachmentId!;
    for (const v of [va, vb]) await ec2.send(new CreateRouteCommand({ RouteTableId: await mainTable(v), DestinationCidrBlock: "10.0.0.0/8", TransitGatewayId: tgw }));
    const sg = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vb, GroupName: "web", Description: "web" }))).GroupId!;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "10.31.0.0/16" }] }] }));
    const client = await instance(aApp);
    const server = await instance(bApp, [sg]);
    const tgwEni = async (att: string) => {
      const e = (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "description", Values: [`Network Interface for Transit Gateway Attachment ${att}`] }] }))).NetworkInterfaces![0];
      assert.equal(e.InterfaceType, "transit_gateway");
      return { eni: e.NetworkInterfaceId!, ip: e.PrivateIpAddress! };
    };
    const ta = await tgwEni(attA);
    const tb = await tgwEni(attB);
    const flA = await flowLog("VPC", va, "/cloudbox/flow-logs/tgw-a");
    const flB = await flowLog("VPC", vb, "/cloudbox/flow-logs/tgw-b");

    const r = await probe(cb.endpoint, { from: client.id, to: server.id, port: 80 });
    assert.equal(r.verdict, "ACCEPT", JSON.stringify(r.blockedAt));
    // flow-logs-records-examples.html, "Traffic through a transit gateway" (there the request and
    // the reply use two interfaces of two zones; here one zone, one interface).
    assert.deepEqual(linesOf(r, flB, tb.eni), [
      `- ${tb.eni} ${tb.ip} ${server.ip} ${client.ip} ${server.ip} egress ACCEPT 1`,
      `- ${tb.eni} ${server.ip} ${tb.ip} ${server.ip} ${client.ip} ingress ACCEPT -`,
    ].sort());
    assert.deepEqual(linesOf(r, flB, server.eni), [
      `${server.id} ${server.eni} ${client.ip} ${server.ip} ${client.ip} ${server.ip} ingress ACCEPT -`,
      `${server.id} ${server.eni} ${server.ip} ${client.ip} ${server.ip} ${client.ip} egress ACCEPT 1`,
    ].sort());
    assert.deepEqual(linesOf(r, flA, ta.eni), [
      `- ${ta.eni} ${client.ip} ${ta.ip} ${client.ip} ${server.ip} ingress ACCEPT -`,
      `- ${ta.eni} ${ta.ip} ${client.ip} ${server.ip} ${client.ip} egress ACCEPT 1`,
    ].sort());
    assert.equal(linesOf(r, flA, client.eni).length, 2);

    // The attachment subnet's ACL refuses what comes from the client subnet: REJECT on the
    // attachment's interface (the instance's own record says ACCEPT: it did leave).
    const acl = await aclOn(va, aTgw, [[true, 100, "0.0.0.0/0"]]);
    const refused = await probe(cb.endpoint, { from: client.id, to: server.id, port: 80 });
    assert.deepEqual([refused.verdict, refused.blockedAt!.componentId, refused.blockedAt!.direction], ["REJECT", acl, "ingress"]);
    assert.deepEqual(linesOf(refused, flA), [
      `${client.id} ${client.eni} ${client.ip} ${server.ip} ${client.ip} ${server.ip} egress ACCEPT 1`,
      `- ${ta.eni} ${client.ip} ${ta.ip} ${client.ip} ${server.ip} ingress REJECT -`,
    ].sort());
    assert.deepEqual(linesOf(refused, flB), []);
    await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl, Egress: false, RuleNumber: 100, Protocol: "-1", CidrBlock: "0.0.0.0/0", RuleAction: "allow" }));
    // Outbound refused instead: the reply leaving the attachment's subnet is REJECT there.
    await ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: acl, Egress: true, RuleNumber: 100 }));
    const replyRefused = await probe(cb.endpoint, { from: client.id, to: server.id, port: 80 });
    assert.deepEqual([replyRefused.verdict, replyRefused.blockedAt!.path, replyRefused.blockedAt!.direction], ["REJECT", "return", "egress"]);
    assert.ok(linesOf(replyRefused, flA, ta.eni).includes(`- ${ta.eni} ${ta.ip} ${client.ip} ${server.ip} ${client.ip} egress REJECT 1`));
  });

  it("an interface endpoint's interface records like any interface, REJECT when its security group refuses", async () => {
    const v = await vpc("10.40.0.0/16");
    const priv = await subnet(v, "10.40.1.0/24");
    const app = await instance(priv);
    const sg = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: v, GroupName: "endpoint", Description: "endpoint" }))).GroupId!;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.40.0.0/16" }] }] }));
    const ep = (
      await ec2.send(new CreateVpcEndpointCommand({ VpcId: v, VpcEndpointType: "Interface", ServiceName: "com.amazonaws.us-east-1.s3", SubnetIds: [priv], SecurityGroupIds: [sg], PrivateDnsEnabled: false }))
    ).VpcEndpoint!;
    const epEni = ep.NetworkInterfaceIds![0];
    const epIp = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [epEni] }))).NetworkInterfaces![0].PrivateIpAddress!;
    const fl = await flowLog("Subnet", priv, "/cloudbox/flow-logs/endpoint");

    const ok = await probe(cb.endpoint, { from: app.id, to: ep.VpcEndpointId!, port: 443 });
    assert.equal(ok.verdict, "ACCEPT", JSON.stringify(ok.blockedAt));
    assert.deepEqual(linesOf(ok, fl, epEni), [
      `- ${epEni} ${app.ip} ${epIp} ${app.ip} ${epIp} ingress ACCEPT -`,
      `- ${epEni} ${epIp} ${app.ip} ${epIp} ${app.ip} egress ACCEPT 1`,
    ].sort());
    const refused = await probe(cb.endpoint, { from: app.id, to: ep.VpcEndpointId!, port: 80 });
    assert.deepEqual([refused.verdict, refused.blockedAt!.explanationCode, refused.blockedAt!.componentId], ["REJECT", "ENI_SG_RULES_MISMATCH", sg]);
    assert.deepEqual(linesOf(refused, fl), [
      `${app.id} ${app.eni} ${app.ip} ${epIp} ${app.ip} ${epIp} egress ACCEPT 1`,
      `- ${epEni} ${app.ip} ${epIp} ${app.ip} ${epIp} ingress REJECT -`,
    ].sort());
  });
});
