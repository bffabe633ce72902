/**
 * The network model builder (src/services/ec2/traffic/network-model.ts): one model across accounts
 * (a peering connection between two accounts' VPCs, a security group rule naming the peer's CIDR),
 * the compiled network cached per version (reused while EC2 data is unchanged, rebuilt after any
 * EC2 write, including one made by another account), probes across the peering, and a NAT
 * gateway's own network interface (an ENI of the store since the vpc family creates it) in the
 * model once, as the gateway's.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AcceptVpcPeeringConnectionCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateNatGatewayCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteRouteCommand,
  DescribeRouteTablesCommand,
  EC2Client,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { probe } from "../../src/cli/probe.js";
import { currentNetwork } from "../../src/services/ec2/traffic/network-model.js";
import type { Cloudbox } from "../helpers/cloudbox.js";
import { AMI, startTrafficCloudbox } from "./helpers.js";

const A = "111111111111";
const B = "222222222222";

describe("traffic: network model across accounts", () => {
  let cb: Cloudbox;
  const ec2 = (account: string) => new EC2Client({ ...cb.clientConfig, credentials: { accessKeyId: account, secretAccessKey: "x" } });
  const side = async (account: string, cidr: string, subnetCidr: string, allowFrom: string) => {
    const c = ec2(account);
    const vpc = (await c.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
    const subnet = (await c.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: subnetCidr }))).Subnet!.SubnetId!;
    const sg = (await c.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: `peer-${account}`, Description: "peer" }))).GroupId!;
    await c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: allowFrom }] }] }));
    const i = (await c.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, SubnetId: subnet, SecurityGroupIds: [sg] }))).Instances![0];
    const rtb = (await c.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }] }))).RouteTables![0].RouteTableId!;
    return { vpc, subnet, sg, instance: i.InstanceId!, ip: i.PrivateIpAddress!, rtb };
  };
  let a: Awaited<ReturnType<typeof side>>;
  let b: Awaited<ReturnType<typeof side>>;
  let pcx: string;

  before(async () => {
    cb = await startTrafficCloudbox();
    a = await side(A, "10.1.0.0/16", "10.1.1.0/24", "10.2.0.0/16");
    b = await side(B, "10.2.0.0/16", "10.2.1.0/24", "10.1.0.0/16");
    pcx = (await ec2(A).send(new CreateVpcPeeringConnectionCommand({ VpcId: a.vpc, PeerVpcId: b.vpc, PeerOwnerId: B }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
    await ec2(B).send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  });
  after(() => cb.stop());

  it("no route to the peer: NO_ROUTE_TO_DESTINATION at the source's route table", async () => {
    const r = await probe(cb.endpoint, { from: a.instance, to: b.ip, port: 5432, account: A });
    assert.equal(r.verdict, "REJECT");
    assert.deepEqual([r.blockedAt!.componentId, r.blockedAt!.explanationCode], [a.rtb, "NO_ROUTE_TO_DESTINATION"]);
  });

  it("routes both ways through the peering connection: ACCEPT across accounts, the peering on the path", async () => {
    await ec2(A).send(new CreateRouteCommand({ RouteTableId: a.rtb, DestinationCidrBlock: "10.2.0.0/16", VpcPeeringConnectionId: pcx }));
    await ec2(B).send(new CreateRouteCommand({ RouteTableId: b.rtb, DestinationCidrBlock: "10.1.0.0/16", VpcPeeringConnectionId: pcx }));
    const r = await probe(cb.endpoint, { from: a.instance, to: b.instance, port: 5432, account: A });
    assert.equal(r.verdict, "ACCEPT", JSON.stringify(r.blockedAt));
    assert.ok(r.forwardPath.some((h) => h.componentId === pcx && h.componentType === "vpc-peering-connection"));
    assert.ok(r.forwardPath.some((h) => h.componentId === b.sg));
    // Without the reply route in B, the reply has nowhere to go.
    await ec2(B).send(new DeleteRouteCommand({ RouteTableId: b.rtb, DestinationCidrBlock: "10.1.0.0/16" }));
    const noReply = await probe(cb.endpoint, { from: a.instance, to: b.instance, port: 5432, account: A });
    assert.equal(noReply.verdict, "REJECT");
    assert.deepEqual([noReply.blockedAt!.path, noReply.blockedAt!.componentId], ["return", b.rtb]);
    await ec2(B).send(new CreateRouteCommand({ RouteTableId: b.rtb, DestinationCidrBlock: "10.1.0.0/16", VpcPeeringConnectionId: pcx }));
  });

  it("a NAT gateway's interface is a model ENI of type nat_gateway that holds no address: the NatGateway stands for it", async () => {
    const c = ec2(A);
    const vpc = (await c.send(new CreateVpcCommand({ CidrBlock: "10.5.0.0/16" }))).Vpc!.VpcId!;
    const subnet = (await c.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.5.1.0/24" }))).Subnet!.SubnetId!;
    const nat = (await c.send(new CreateNatGatewayCommand({ SubnetId: subnet, ConnectivityType: "private" }))).NatGateway!;
    const eniId = nat.NatGatewayAddresses![0].NetworkInterfaceId!;
    const ip = nat.NatGatewayAddresses![0].PrivateIp!;
    const app = (await c.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, SubnetId: subnet }))).Instances![0].InstanceId!;
    const { network, index } = currentNetwork(cb.store);
    const enis = network.networkInterfaces.filter((e) => e.id === eniId);
    assert.equal(enis.length, 1);
    assert.deepEqual([enis[0].interfaceType, enis[0].privateIpAddresses, enis[0].attachment?.instanceId, enis[0].securityGroupIds], ["nat_gateway", [ip], undefined, []]);
    assert.equal(network.natGateways!.find((n) => n.id === nat.NatGatewayId)!.networkInterfaceId, eniId);
    // Not an address holder of its own (the gateway is), but flow log records know its subnet.
    assert.equal(index.eniByAddress(ip), undefined);
    assert.deepEqual(index.interfaceOf(eniId), { accountId: A, region: "us-east-1", subnetId: subnet, instanceId: undefined, v4: [ip], v6: [] });
    // A connection to it meets the NAT gateway, which only takes replies, not an interface.
    const r = await probe(cb.endpoint, { from: app, to: eniId, port: 443, account: A });
    assert.deepEqual([r.verdict, r.blockedAt?.componentType, r.blockedAt?.componentId], ["REJECT", "nat-gateway", nat.NatGatewayId]);
    assert.ok(!r.forwardPath.some((h) => h.componentId === eniId && h.componentType === "network-interface"), JSON.stringify(r.forwardPath));
  });

  it("the compiled network is reused while nothing changes and rebuilt after any EC2 write", async () => {
    const first = currentNetwork(cb.store);
    assert.equal(currentNetwork(cb.store), first, "same version, same compiled network");
    assert.ok(first.network.vpcs.some((v) => v.id === a.vpc && v.accountId === A));
    assert.ok(first.network.vpcs.some((v) => v.id === b.vpc && v.accountId === B));
    assert.equal(first.network.vpcPeeringConnections!.find((p) => p.id === pcx)!.status, "active");
    // Tags do not change traffic: no rebuild.
    await ec2(A).send(new CreateTagsCommand({ Resources: [a.vpc], Tags: [{ Key: "k", Value: "v" }] }));
    assert.equal(currentNetwork(cb.store), first);
    // Another account's security group change does.
    await ec2(B).send(new AuthorizeSecurityGroupIngressCommand({ GroupId: b.sg, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "10.1.0.0/16" }] }] }));
    const second = currentNetwork(cb.store);
    assert.notEqual(second, first);
    assert.notEqual(second.version, first.version);
    assert.equal((await probe(cb.endpoint, { from: a.instance, to: b.instance, port: 22, account: A })).verdict, "ACCEPT");
    // A reset empties the store: the version starts a new epoch, never equal to a cached one.
    await cb.reset();
    const third = currentNetwork(cb.store);
    assert.notEqual(third.version, second.version);
    assert.equal(third.network.vpcs.length, 0);
  });
});
