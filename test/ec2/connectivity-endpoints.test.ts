/**
 * VPC endpoints end to end (SDK v3 and AWS CLI v2): the Region's endpoint services, gateway
 * endpoints routing to the managed prefix list, interface endpoints with their network
 * interfaces, security groups and DNS entries, ModifyVpcEndpoint, DeleteVpcEndpoints.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateVpcEndpointCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DeleteVpcEndpointsCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcEndpointServicesCommand,
  DescribeVpcEndpointsCommand,
  ModifyVpcAttributeCommand,
  ModifyVpcEndpointCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { awsCli } from "../helpers/aws-cli.js";
import { A, B, ec2For, expectError, newSubnet, newVpc } from "./connectivity-helpers.js";

describe("connectivity: VPC endpoints", () => {
  let cb: Cloudbox;
  let a: EC2Client;
  let b: EC2Client;
  before(async () => {
    cb = await startCloudbox();
    a = ec2For(cb, A);
    b = ec2For(cb, B);
  });
  after(() => cb.stop());

  const s3List = async () =>
    (await a.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: "prefix-list-name", Values: ["com.amazonaws.us-east-1.s3"] }] }))).PrefixLists![0].PrefixListId!;

  it("lists the Region's endpoint services with their types", async () => {
    const out = await a.send(new DescribeVpcEndpointServicesCommand({}));
    const types = (name: string) => out.ServiceDetails!.filter((d) => d.ServiceName === name).map((d) => d.ServiceType![0].ServiceType).sort();
    assert.deepEqual(types("com.amazonaws.us-east-1.s3"), ["Gateway", "Interface"]);
    assert.deepEqual(types("com.amazonaws.us-east-1.dynamodb"), ["Gateway"]);
    assert.deepEqual(types("com.amazonaws.us-east-1.sts"), ["Interface"]);
    const sts = out.ServiceDetails!.find((d) => d.ServiceName === "com.amazonaws.us-east-1.sts")!;
    assert.equal(sts.PrivateDnsName, "sts.us-east-1.amazonaws.com");
    assert.equal(sts.Owner, "amazon");
    assert.ok(out.ServiceNames!.includes("com.amazonaws.us-east-1.ec2"));
    const gateways = await a.send(new DescribeVpcEndpointServicesCommand({ Filters: [{ Name: "service-type", Values: ["Gateway"] }] }));
    assert.deepEqual(gateways.ServiceNames!.sort(), ["com.amazonaws.us-east-1.dynamodb", "com.amazonaws.us-east-1.s3"]);
    await expectError(a.send(new DescribeVpcEndpointServicesCommand({ ServiceNames: ["com.amazonaws.us-east-1.nope"] })), "InvalidServiceName", 400);
    const west = await ec2For(cb, A, "eu-west-1").send(new DescribeVpcEndpointServicesCommand({ ServiceNames: ["com.amazonaws.eu-west-1.s3"] }));
    assert.equal(west.ServiceDetails!.length, 2);
  });

  it("gateway endpoint: a route to the S3 prefix list in each route table, removed on modify and delete", async () => {
    const pl = await s3List();
    const vpc = await newVpc(a, "10.70.0.0/16");
    const rt1 = (await a.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
    const rt2 = (await a.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
    const ep = (
      await a.send(
        new CreateVpcEndpointCommand({
          VpcId: vpc,
          ServiceName: "com.amazonaws.us-east-1.s3",
          RouteTableIds: [rt1],
          TagSpecifications: [{ ResourceType: "vpc-endpoint", Tags: [{ Key: "Name", Value: "s3" }] }],
        }),
      )
    ).VpcEndpoint!;
    assert.match(ep.VpcEndpointId!, /^vpce-[0-9a-f]{17}$/);
    assert.equal(ep.VpcEndpointType, "Gateway");
    assert.equal(ep.State, "available");
    assert.deepEqual(ep.RouteTableIds, [rt1]);
    assert.deepEqual(JSON.parse(ep.PolicyDocument!).Statement[0], { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" });
    const routeTo = async (rtb: string) =>
      (await a.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0].Routes!.find((r) => r.DestinationPrefixListId === pl);
    const r1 = await routeTo(rt1);
    assert.equal(r1?.GatewayId, ep.VpcEndpointId);
    assert.equal(r1?.State, "active");
    assert.equal(await routeTo(rt2), undefined);

    // A second S3 gateway endpoint on the same table conflicts.
    await expectError(
      a.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: "com.amazonaws.us-east-1.s3", RouteTableIds: [rt1] })),
      "RouteAlreadyExists",
      400,
    );
    await a.send(new ModifyVpcEndpointCommand({ VpcEndpointId: ep.VpcEndpointId, AddRouteTableIds: [rt2], RemoveRouteTableIds: [rt1] }));
    assert.equal(await routeTo(rt1), undefined);
    assert.equal((await routeTo(rt2))?.GatewayId, ep.VpcEndpointId);
    const described = (await a.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [ep.VpcEndpointId!] }))).VpcEndpoints![0];
    assert.deepEqual(described.RouteTableIds, [rt2]);
    assert.deepEqual(described.Tags, [{ Key: "Name", Value: "s3" }]);

    // Filters.
    const ids = async (Name: string, Values: string[]) =>
      ((await a.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name, Values }] }))).VpcEndpoints ?? []).map((e) => e.VpcEndpointId);
    assert.deepEqual(await ids("vpc-id", [vpc]), [ep.VpcEndpointId]);
    assert.ok((await ids("service-name", ["com.amazonaws.us-east-1.s3"])).includes(ep.VpcEndpointId));
    assert.ok((await ids("vpc-endpoint-type", ["Gateway"])).includes(ep.VpcEndpointId));
    assert.ok((await ids("vpc-endpoint-state", ["available"])).includes(ep.VpcEndpointId));
    assert.deepEqual(await ids("tag:Name", ["s3"]), [ep.VpcEndpointId]);

    // Errors: service type, service name, another account's VPC, DryRun, another account's endpoint.
    await expectError(a.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: "com.amazonaws.us-east-1.sts" })), "InvalidParameter", 400);
    await expectError(a.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: "com.amazonaws.us-east-1.nope" })), "InvalidServiceName", 400);
    await expectError(b.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: "com.amazonaws.us-east-1.s3" })), "InvalidVpcID.NotFound", 400);
    await expectError(a.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: "com.amazonaws.us-east-1.dynamodb", DryRun: true })), "DryRunOperation", 412);
    await expectError(b.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [ep.VpcEndpointId!] })), "InvalidVpcEndpointId.NotFound", 400);

    // The endpoint blocks DeleteVpc; DeleteVpcEndpoints reports unknown ids as Unsuccessful.
    await expectError(a.send(new DeleteVpcCommand({ VpcId: vpc })), "DependencyViolation", 400);
    const del = await a.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [ep.VpcEndpointId!, "vpce-0000000000000000f"] }));
    assert.deepEqual(del.Unsuccessful!.map((u) => [u.ResourceId, u.Error!.Code]), [["vpce-0000000000000000f", "InvalidVpcEndpointId.NotFound"]]);
    assert.equal(await routeTo(rt2), undefined);
  });

  it("interface endpoint: an ENI per subnet, default security group, private DNS, one subnet per AZ", async () => {
    const vpc = await newVpc(a, "10.80.0.0/16");
    const s1 = await newSubnet(a, vpc, "10.80.1.0/24", "us-east-1a");
    const s2 = await newSubnet(a, vpc, "10.80.2.0/24", "us-east-1b");
    const s3 = await newSubnet(a, vpc, "10.80.3.0/24", "us-east-1a");
    // Private DNS (the default) needs DNS hostnames on the VPC.
    await expectError(
      a.send(new CreateVpcEndpointCommand({ VpcEndpointType: "Interface", VpcId: vpc, ServiceName: "com.amazonaws.us-east-1.sts", SubnetIds: [s1] })),
      "InvalidParameter",
      400,
      /enableDnsSupport and enableDnsHostnames/,
    );
    await a.send(new ModifyVpcAttributeCommand({ VpcId: vpc, EnableDnsHostnames: { Value: true } }));
    await expectError(
      a.send(new CreateVpcEndpointCommand({ VpcEndpointType: "Interface", VpcId: vpc, ServiceName: "com.amazonaws.us-east-1.sts", SubnetIds: [s1, s3] })),
      "DuplicateSubnetsInSameZone",
      400,
    );
    const ep = (
      await a.send(new CreateVpcEndpointCommand({ VpcEndpointType: "Interface", VpcId: vpc, ServiceName: "com.amazonaws.us-east-1.sts", SubnetIds: [s1, s2] }))
    ).VpcEndpoint!;
    assert.equal(ep.State, "pending");
    assert.equal(ep.PrivateDnsEnabled, true);
    assert.equal(ep.NetworkInterfaceIds!.length, 2);
    const defaultSg = (await a.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }, { Name: "group-name", Values: ["default"] }] }))).SecurityGroups![0];
    assert.deepEqual(ep.Groups, [{ GroupId: defaultSg.GroupId, GroupName: "default" }]);
    const names = ep.DnsEntries!.map((d) => d.DnsName!);
    assert.ok(names.some((n) => n.startsWith(`${ep.VpcEndpointId}-`) && n.endsWith(".sts.us-east-1.vpce.amazonaws.com")));
    assert.ok(names.includes("sts.us-east-1.amazonaws.com"));
    assert.ok(names.some((n) => n.includes("-us-east-1a.sts.")));

    const enis = (await a.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ep.NetworkInterfaceIds }))).NetworkInterfaces!;
    for (const eni of enis) {
      assert.equal(eni.InterfaceType, "vpc_endpoint");
      assert.equal(eni.RequesterManaged, true);
      assert.equal(eni.Description, `VPC Endpoint Interface ${ep.VpcEndpointId}`);
      assert.ok([s1, s2].includes(eni.SubnetId!));
      assert.ok(eni.PrivateIpAddress!.startsWith("10.80."));
    }
    // Its ENIs keep the subnet in use.
    await expectError(a.send(new DeleteSubnetCommand({ SubnetId: s1 })), "DependencyViolation", 400);

    // Modify: swap a subnet, change the groups.
    const sg = (await a.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: "endpoints", Description: "endpoints" }))).GroupId!;
    await a.send(new ModifyVpcEndpointCommand({ VpcEndpointId: ep.VpcEndpointId, RemoveSubnetIds: [s1], AddSubnetIds: [s3], AddSecurityGroupIds: [sg], RemoveSecurityGroupIds: [defaultSg.GroupId!] }));
    const after = (await a.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [ep.VpcEndpointId!] }))).VpcEndpoints![0];
    assert.deepEqual(after.SubnetIds!.sort(), [s2, s3].sort());
    assert.deepEqual(after.Groups, [{ GroupId: sg, GroupName: "endpoints" }]);
    assert.equal(after.State, "available");
    const newEnis = (await a.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: after.NetworkInterfaceIds }))).NetworkInterfaces!;
    assert.ok(newEnis.every((e) => e.Groups![0].GroupId === sg));
    await expectError(a.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ep.NetworkInterfaceIds!.filter((id) => !after.NetworkInterfaceIds!.includes(id)) })), "InvalidNetworkInterfaceID.NotFound", 400);

    // Delete removes the ENIs, which frees the subnets.
    await a.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [ep.VpcEndpointId!] }));
    await a.send(new DeleteSubnetCommand({ SubnetId: s1 }));
    await a.send(new DeleteSubnetCommand({ SubnetId: s3 }));
  });

  it("the AWS CLI v2 creates a gateway endpoint", async () => {
    const vpc = await newVpc(a, "10.90.0.0/16");
    const rtb = (await a.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
    const env = { AWS_ACCESS_KEY_ID: A };
    const created = await awsCli(cb.endpoint, ["ec2", "create-vpc-endpoint", "--vpc-id", vpc, "--service-name", "com.amazonaws.us-east-1.dynamodb", "--route-table-ids", rtb], env);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.json.VpcEndpoint.VpcEndpointType, "Gateway");
    const listed = await awsCli(cb.endpoint, ["ec2", "describe-vpc-endpoints", "--filters", `Name=vpc-id,Values=${vpc}`], env);
    assert.equal(listed.json.VpcEndpoints[0].RouteTableIds[0], rtb);
    const deleted = await awsCli(cb.endpoint, ["ec2", "delete-vpc-endpoints", "--vpc-endpoint-ids", created.json.VpcEndpoint.VpcEndpointId], env);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual(deleted.json.Unsuccessful, []);
  });
});
