/**
 * DescribeInstanceTypes and DescribeInstanceTypeOfferings end to end (SDK v3 and AWS CLI v2),
 * checked against data/instance-network-limits.json.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  EC2Client,
  paginateDescribeInstanceTypes,
  type _InstanceType,
} from "@aws-sdk/client-ec2";
import limitsJson from "../../data/instance-network-limits.json" with { type: "json" };
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { awsCli } from "../helpers/aws-cli.js";
import { expectError } from "./compute-helpers.js";

const limits = limitsJson as Record<string, { enis: number; enisDefaultCard: number; ipv4PerEni: number; ipv6PerEni?: number; networkCards: number; hypervisor?: string; bareMetal: boolean; vcpus?: number; memoryMiB?: number; enisPerCard?: number[] }>;

describe("compute: instance types", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  before(async () => {
    cb = await startCloudbox();
    ec2 = new EC2Client({ ...cb.clientConfig, credentials: { accessKeyId: "111111111111", secretAccessKey: "x" } });
  });
  after(() => cb.stop());

  it("describes m5.large with vCPUs, memory and NetworkInfo from the data", async () => {
    const out = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ["m5.large", "t2.micro"] }));
    assert.equal(out.InstanceTypes!.length, 2);
    const m5 = out.InstanceTypes!.find((t) => t.InstanceType === "m5.large")!;
    assert.equal(m5.VCpuInfo!.DefaultVCpus, 2);
    assert.equal(m5.MemoryInfo!.SizeInMiB, 8192);
    assert.equal(m5.Hypervisor, "nitro");
    assert.equal(m5.BareMetal, false);
    assert.deepEqual(m5.NetworkInfo, {
      MaximumNetworkInterfaces: 3,
      MaximumNetworkCards: 1,
      DefaultNetworkCardIndex: 0,
      NetworkCards: [{ NetworkCardIndex: 0, MaximumNetworkInterfaces: 3 }],
      Ipv4AddressesPerInterface: 10,
      Ipv6AddressesPerInterface: 10,
      Ipv6Supported: true,
    });
  });

  it("multi-card types list each card; bare metal has no hypervisor", async () => {
    const out = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ["p5.48xlarge", "c5.metal"] }));
    const p5 = out.InstanceTypes!.find((t) => t.InstanceType === "p5.48xlarge")!;
    assert.equal(p5.NetworkInfo!.MaximumNetworkCards, 32);
    assert.equal(p5.NetworkInfo!.NetworkCards!.length, 32);
    assert.equal(p5.NetworkInfo!.MaximumNetworkInterfaces, limits["p5.48xlarge"].enis);
    const metal = out.InstanceTypes!.find((t) => t.InstanceType === "c5.metal")!;
    assert.equal(metal.BareMetal, true);
    assert.equal(metal.Hypervisor, undefined);
  });

  it("unknown names are InvalidInstanceType (400)", async () => {
    await expectError(
      ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ["m5.large", "t9.nope" as _InstanceType] })),
      "InvalidInstanceType",
      400,
      /do not exist: \[t9.nope\]/,
    );
  });

  it("filters: each supported filter narrows as the data says", async () => {
    const names = (r: { InstanceTypes?: Array<{ InstanceType?: string }> }) => r.InstanceTypes!.map((t) => t.InstanceType!).sort();
    const all = Object.keys(limits);
    const cases: Array<[string, string[], (l: (typeof limits)[string]) => boolean]> = [
      ["hypervisor", ["xen"], (l) => l.hypervisor === "xen"],
      ["bare-metal", ["true"], (l) => l.bareMetal],
      ["vcpu-info.default-vcpus", ["96"], (l) => l.vcpus === 96],
      ["memory-info.size-in-mib", ["8192"], (l) => l.memoryMiB === 8192],
      ["network-info.maximum-network-interfaces", ["15"], (l) => l.enis === 15],
      ["network-info.ipv4-addresses-per-interface", ["50"], (l) => l.ipv4PerEni === 50],
      ["network-info.ipv6-supported", ["false"], (l) => (l as { ipv6Supported?: boolean }).ipv6Supported === false],
    ];
    for (const [name, values, pred] of cases) {
      const got: string[] = [];
      for await (const page of paginateDescribeInstanceTypes({ client: ec2, pageSize: 100 }, { Filters: [{ Name: name, Values: values }] })) got.push(...names(page));
      assert.deepEqual(got.sort(), all.filter((t) => pred(limits[t])).sort(), name);
      assert.ok(got.length > 0 || name === "network-info.ipv6-supported", `${name} matched nothing`);
    }
    const wild = await ec2.send(new DescribeInstanceTypesCommand({ Filters: [{ Name: "instance-type", Values: ["t3.*"] }] }));
    assert.deepEqual(names(wild), all.filter((t) => t.startsWith("t3.")).sort());
    await expectError(ec2.send(new DescribeInstanceTypesCommand({ Filters: [{ Name: "nope", Values: ["x"] }] })), "InvalidParameterValue", 400);
  });

  it("pages by 5..100 and walks all 1,391 types", async () => {
    let total = 0;
    const seen = new Set<string>();
    for await (const page of paginateDescribeInstanceTypes({ client: ec2, pageSize: 100 }, {})) {
      assert.ok(page.InstanceTypes!.length <= 100);
      for (const t of page.InstanceTypes!) seen.add(t.InstanceType!);
      total += page.InstanceTypes!.length;
    }
    assert.equal(total, Object.keys(limits).length);
    assert.equal(seen.size, total);
    const five = await ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 5 }));
    assert.equal(five.InstanceTypes!.length, 5);
    assert.ok(five.NextToken);
    await expectError(ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 4 })), "InvalidParameterValue", 400);
    await expectError(ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 101 })), "InvalidParameterValue", 400);
  });

  it("DryRun answers DryRunOperation (412)", async () => {
    await expectError(ec2.send(new DescribeInstanceTypesCommand({ DryRun: true })), "DryRunOperation", 412);
    await expectError(ec2.send(new DescribeInstanceTypeOfferingsCommand({ DryRun: true })), "DryRunOperation", 412);
  });

  it("offerings by region, availability-zone and availability-zone-id", async () => {
    const region = await ec2.send(new DescribeInstanceTypeOfferingsCommand({ Filters: [{ Name: "instance-type", Values: ["m5.large"] }] }));
    assert.deepEqual(region.InstanceTypeOfferings, [{ InstanceType: "m5.large", LocationType: "region", Location: "us-east-1" }]);
    const byAz = await ec2.send(
      new DescribeInstanceTypeOfferingsCommand({ LocationType: "availability-zone", Filters: [{ Name: "instance-type", Values: ["m5.large"] }] }),
    );
    assert.ok(byAz.InstanceTypeOfferings!.length >= 3);
    assert.ok(byAz.InstanceTypeOfferings!.every((o) => /^us-east-1[a-z]$/.test(o.Location!) && o.LocationType === "availability-zone"));
    const byId = await ec2.send(
      new DescribeInstanceTypeOfferingsCommand({ LocationType: "availability-zone-id", Filters: [{ Name: "location", Values: ["use1-az1"] }], MaxResults: 1000 }),
    );
    assert.equal(byId.InstanceTypeOfferings!.length, 1000);
    assert.ok(byId.NextToken);
    assert.ok(byId.InstanceTypeOfferings!.every((o) => o.Location === "use1-az1"));
  });

  it("AWS CLI: describe-instance-types auto-paginates", async () => {
    const r = await awsCli(cb.endpoint, ["ec2", "describe-instance-types", "--filters", "Name=instance-type,Values=m5.*"], { AWS_ACCESS_KEY_ID: "111111111111" });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.json.InstanceTypes.map((t: { InstanceType: string }) => t.InstanceType).sort(),
      Object.keys(limits).filter((t) => t.startsWith("m5.")).sort(),
    );
  });
});
