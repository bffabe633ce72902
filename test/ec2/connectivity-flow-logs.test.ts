/**
 * Flow logs as resources end to end (SDK v3 and AWS CLI v2): destinations, default and custom
 * formats, Unsuccessful items, filters, DryRun, other accounts.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateFlowLogsCommand, CreateNetworkInterfaceCommand, DeleteFlowLogsCommand, DeleteVpcCommand, DescribeFlowLogsCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { awsCli } from "../helpers/aws-cli.js";
import { A, B, ec2For, expectError, newSubnet, newVpc } from "./connectivity-helpers.js";

const ROLE = `arn:aws:iam::${A}:role/flow-logs`;
const DEFAULT_FORMAT =
  "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";

describe("connectivity: flow logs", () => {
  let cb: Cloudbox;
  let a: EC2Client;
  let b: EC2Client;
  before(async () => {
    cb = await startCloudbox();
    a = ec2For(cb, A);
    b = ec2For(cb, B);
  });
  after(() => cb.stop());

  it("CloudWatch Logs destination: default format, defaults, duplicates and unknown ids in Unsuccessful", async () => {
    const vpc = await newVpc(a, "10.1.0.0/16");
    const out = await a.send(
      new CreateFlowLogsCommand({
        ResourceType: "VPC",
        ResourceIds: [vpc, "vpc-0000000000000000f"],
        TrafficType: "ALL",
        LogGroupName: "vpc-logs",
        DeliverLogsPermissionArn: ROLE,
        TagSpecifications: [{ ResourceType: "vpc-flow-log", Tags: [{ Key: "team", Value: "net" }] }],
      }),
    );
    assert.equal(out.FlowLogIds!.length, 1);
    assert.match(out.FlowLogIds![0], /^fl-[0-9a-f]{17}$/);
    assert.deepEqual(out.Unsuccessful!.map((u) => [u.ResourceId, u.Error!.Code]), [["vpc-0000000000000000f", "InvalidVpcID.NotFound"]]);
    const fl = (await a.send(new DescribeFlowLogsCommand({ FlowLogIds: out.FlowLogIds }))).FlowLogs![0];
    assert.equal(fl.ResourceId, vpc);
    assert.equal(fl.TrafficType, "ALL");
    assert.equal(fl.LogDestinationType, "cloud-watch-logs");
    assert.equal(fl.LogGroupName, "vpc-logs");
    assert.equal(fl.LogDestination, `arn:aws:logs:us-east-1:${A}:log-group:vpc-logs`);
    assert.equal(fl.DeliverLogsPermissionArn, ROLE);
    assert.equal(fl.LogFormat, DEFAULT_FORMAT);
    assert.equal(fl.MaxAggregationInterval, 600);
    assert.equal(fl.FlowLogStatus, "ACTIVE");
    assert.equal(fl.DeliverLogsStatus, "SUCCESS");
    assert.ok(fl.CreationTime instanceof Date);
    assert.deepEqual(fl.Tags, [{ Key: "team", Value: "net" }]);

    const dup = await a.send(new CreateFlowLogsCommand({ ResourceType: "VPC", ResourceIds: [vpc], TrafficType: "ALL", LogGroupName: "vpc-logs", DeliverLogsPermissionArn: ROLE }));
    assert.deepEqual(dup.FlowLogIds, []);
    assert.equal(dup.Unsuccessful![0].Error!.Code, "FlowLogAlreadyExists");

    // Flow logs do not stop DeleteVpc.
    await a.send(new DeleteVpcCommand({ VpcId: vpc }));
  });

  it("S3 destination, custom formats, aggregation interval, validation errors", async () => {
    const vpc = await newVpc(a, "10.2.0.0/16");
    const subnet = await newSubnet(a, vpc, "10.2.1.0/24", "us-east-1a");
    const format = "${version} ${vpc-id} ${subnet-id} ${az-id} ${flow-direction} ${traffic-path} ${pkt-srcaddr}";
    const out = await a.send(
      new CreateFlowLogsCommand({
        ResourceType: "Subnet",
        ResourceIds: [subnet],
        TrafficType: "REJECT",
        LogDestinationType: "s3",
        LogDestination: "arn:aws:s3:::my-flow-logs/prefix/",
        LogFormat: format,
        MaxAggregationInterval: 60,
      }),
    );
    const fl = (await a.send(new DescribeFlowLogsCommand({ FlowLogIds: out.FlowLogIds }))).FlowLogs![0];
    assert.equal(fl.ResourceId, subnet);
    assert.equal(fl.LogDestination, "arn:aws:s3:::my-flow-logs/prefix/");
    assert.equal(fl.LogFormat, format);
    assert.equal(fl.MaxAggregationInterval, 60);
    assert.equal(fl.LogGroupName, undefined);
    assert.deepEqual(fl.DestinationOptions, { FileFormat: "plain-text", HiveCompatiblePartitions: false, PerHourPartition: false });

    // A network interface can be logged too.
    const eni = (await a.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet }))).NetworkInterface!.NetworkInterfaceId!;
    const eniLog = await a.send(
      new CreateFlowLogsCommand({ ResourceType: "NetworkInterface", ResourceIds: [eni, "eni-0000000000000000f"], TrafficType: "ACCEPT", LogDestinationType: "s3", LogDestination: "arn:aws:s3:::my-flow-logs" }),
    );
    assert.equal(eniLog.FlowLogIds!.length, 1);
    assert.equal(eniLog.Unsuccessful![0].Error!.Code, "InvalidNetworkInterfaceID.NotFound");

    const base = { ResourceType: "Subnet" as const, ResourceIds: [subnet], TrafficType: "ALL" as const };
    await expectError(
      a.send(new CreateFlowLogsCommand({ ...base, LogDestinationType: "s3", LogDestination: "arn:aws:s3:::bucket-2", DeliverLogsPermissionArn: ROLE })),
      "InvalidParameter",
      400,
      /DeliverLogsPermissionArn is not applicable for s3 delivery/,
    );
    await expectError(a.send(new CreateFlowLogsCommand({ ...base, LogGroupName: "g" })), "MissingParameter", 400, /DeliverLogsPermissionArn/);
    await expectError(a.send(new CreateFlowLogsCommand({ ...base, LogGroupName: "g", LogDestination: "arn:aws:logs:us-east-1:111111111111:log-group:g", DeliverLogsPermissionArn: ROLE })), "InvalidParameterCombination", 400);
    await expectError(a.send(new CreateFlowLogsCommand({ ...base, LogDestinationType: "s3", LogDestination: "not-an-arn" })), "InvalidParameter", 400);
    await expectError(a.send(new CreateFlowLogsCommand({ ...base, LogDestinationType: "s3", LogDestination: "arn:aws:s3:::bucket-3", LogFormat: "${version} ${bogus}" })), "InvalidParameter", 400, /Unknown fields/);
    await expectError(a.send(new CreateFlowLogsCommand({ ...base, LogDestinationType: "s3", LogDestination: "arn:aws:s3:::bucket-3", MaxAggregationInterval: 120 })), "InvalidParameterValue", 400);
    await expectError(a.send(new CreateFlowLogsCommand({ ...base, LogDestinationType: "s3", LogDestination: "arn:aws:s3:::bucket-3", DryRun: true })), "DryRunOperation", 412);
  });

  it("filters, other accounts and DeleteFlowLogs", async () => {
    const vpc = await newVpc(a, "10.3.0.0/16");
    const id = (
      await a.send(new CreateFlowLogsCommand({ ResourceType: "VPC", ResourceIds: [vpc], TrafficType: "ACCEPT", LogGroupName: "filters", DeliverLogsPermissionArn: ROLE }))
    ).FlowLogIds![0];
    const by = async (Name: string, Values: string[]) => ((await a.send(new DescribeFlowLogsCommand({ Filter: [{ Name, Values }] }))).FlowLogs ?? []).map((f) => f.FlowLogId);
    assert.deepEqual(await by("resource-id", [vpc]), [id]);
    assert.ok((await by("traffic-type", ["ACCEPT"])).includes(id));
    assert.ok(!(await by("traffic-type", ["REJECT"])).includes(id));
    assert.deepEqual(await by("log-group-name", ["filters"]), [id]);
    assert.ok((await by("log-destination-type", ["cloud-watch-logs"])).includes(id));
    assert.ok((await by("deliver-log-status", ["SUCCESS"])).includes(id));
    assert.deepEqual(await by("flow-log-id", [id]), [id]);
    // Another account neither sees it nor may log the VPC.
    assert.deepEqual(((await b.send(new DescribeFlowLogsCommand({}))).FlowLogs ?? []).length, 0);
    const foreign = await b.send(new CreateFlowLogsCommand({ ResourceType: "VPC", ResourceIds: [vpc], TrafficType: "ALL", LogGroupName: "x", DeliverLogsPermissionArn: ROLE }));
    assert.equal(foreign.Unsuccessful![0].Error!.Code, "InvalidVpcID.NotFound");
    const del = await b.send(new DeleteFlowLogsCommand({ FlowLogIds: [id] }));
    assert.equal(del.Unsuccessful![0].ResourceId, id);
    assert.deepEqual((await a.send(new DeleteFlowLogsCommand({ FlowLogIds: [id] }))).Unsuccessful, []);
    await expectError(a.send(new DescribeFlowLogsCommand({ FlowLogIds: [id] })), "InvalidFlowLogId.NotFound", 400);
  });

  it("the AWS CLI v2 creates and describes a flow log", async () => {
    const vpc = await newVpc(a, "10.4.0.0/16");
    const env = { AWS_ACCESS_KEY_ID: A };
    const created = await awsCli(
      cb.endpoint,
      ["ec2", "create-flow-logs", "--resource-type", "VPC", "--resource-ids", vpc, "--traffic-type", "ALL", "--log-destination-type", "s3", "--log-destination", "arn:aws:s3:::cli-bucket"],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    const listed = await awsCli(cb.endpoint, ["ec2", "describe-flow-logs", "--filter", `Name=resource-id,Values=${vpc}`], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.json.FlowLogs[0].LogDestination, "arn:aws:s3:::cli-bucket");
  });
});
