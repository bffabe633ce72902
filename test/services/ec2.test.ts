/**
 * EC2 DescribeRegions and DescribeAvailabilityZones end to end, with the real SDK v3 client and
 * the AWS CLI v2: per-account AZ names over shared AZ IDs, pins, filters, errors.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DescribeAvailabilityZonesCommand, DescribeRegionsCommand, EC2Client, EC2ServiceException } from "@aws-sdk/client-ec2";
import regionsJson from "../../data/regions.json" with { type: "json" };
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { awsCli, findAwsCliV2 } from "../helpers/aws-cli.js";
import { expectAwsError as expectError } from "../helpers/errors.js";
const regions = regionsJson as Array<{ region: string; optIn: boolean; azIds: string[]; independentlyMappedAzNames: boolean }>;
const account = (id: string) => ({ accessKeyId: id, secretAccessKey: "test" });


describe("ec2", () => {
  let cb: Cloudbox;
  let ec2: (accountId?: string, region?: string) => EC2Client;
  before(async () => {
    cb = await startCloudbox();
    ec2 = (accountId = "111111111111", region = "us-east-1") => new EC2Client({ ...cb.clientConfig, region, credentials: account(accountId) });
  });
  after(() => cb.stop());

  describe("DescribeRegions", () => {
    it("AllRegions lists the 34 commercial Regions with endpoint and opt-in status", async () => {
      const out = await ec2().send(new DescribeRegionsCommand({ AllRegions: true }));
      assert.equal(out.Regions!.length, regions.length);
      for (const r of regions) {
        const got = out.Regions!.find((x) => x.RegionName === r.region);
        assert.ok(got, r.region);
        assert.equal(got.Endpoint, `ec2.${r.region}.amazonaws.com`);
        assert.equal(got.OptInStatus, r.optIn ? "not-opted-in" : "opt-in-not-required");
      }
    });

    it("without AllRegions, only the enabled Regions", async () => {
      const out = await ec2().send(new DescribeRegionsCommand({}));
      assert.deepEqual(out.Regions!.map((r) => r.RegionName).sort(), regions.filter((r) => !r.optIn).map((r) => r.region).sort());
    });

    it("RegionNames selects, opt-in Regions included", async () => {
      const out = await ec2().send(new DescribeRegionsCommand({ RegionNames: ["eu-west-1", "af-south-1"] }));
      assert.deepEqual(out.Regions!.map((r) => [r.RegionName, r.OptInStatus]).sort(), [["af-south-1", "not-opted-in"], ["eu-west-1", "opt-in-not-required"]]);
    });

    it("filters: region-name with wildcards, opt-in-status, endpoint", async () => {
      const eu = await ec2().send(new DescribeRegionsCommand({ AllRegions: true, Filters: [{ Name: "region-name", Values: ["eu-*"] }] }));
      assert.deepEqual(eu.Regions!.map((r) => r.RegionName).sort(), regions.filter((r) => r.region.startsWith("eu-")).map((r) => r.region).sort());
      const q = await ec2().send(new DescribeRegionsCommand({ Filters: [{ Name: "region-name", Values: ["us-?ast-1"] }] }));
      assert.deepEqual(q.Regions!.map((r) => r.RegionName), ["us-east-1"]);
      const optIn = await ec2().send(new DescribeRegionsCommand({ AllRegions: true, Filters: [{ Name: "opt-in-status", Values: ["not-opted-in"] }] }));
      assert.equal(optIn.Regions!.length, regions.filter((r) => r.optIn).length);
      const ep = await ec2().send(new DescribeRegionsCommand({ Filters: [{ Name: "endpoint", Values: ["ec2.us-west-2.amazonaws.com"] }] }));
      assert.deepEqual(ep.Regions!.map((r) => r.RegionName), ["us-west-2"]);
    });

    it("an unknown Region name is InvalidParameterValue (400)", () =>
      expectError(ec2().send(new DescribeRegionsCommand({ RegionNames: ["us-east-1", "xx-nowhere-1"] })), "InvalidParameterValue", 400, /^Invalid region: \[xx-nowhere-1\]$/));

    it("an unknown filter is InvalidParameterValue (400)", () =>
      expectError(ec2().send(new DescribeRegionsCommand({ Filters: [{ Name: "bogus", Values: ["x"] }] })), "InvalidParameterValue", 400, /^The filter 'bogus' is invalid$/));

    it("DryRun is DryRunOperation (412)", () =>
      expectError(ec2().send(new DescribeRegionsCommand({ DryRun: true })), "DryRunOperation", 412, /Request would have succeeded, but DryRun flag is set/));
  });

  describe("DescribeAvailabilityZones", () => {
    it("eu-west-1: every field the real API returns", async () => {
      const out = await ec2("111111111111", "eu-west-1").send(new DescribeAvailabilityZonesCommand({}));
      const zones = out.AvailabilityZones!;
      assert.deepEqual(zones.map((z) => z.ZoneName), ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
      assert.deepEqual(zones.map((z) => z.ZoneId).sort(), ["euw1-az1", "euw1-az2", "euw1-az3"]);
      for (const z of zones) {
        assert.equal(z.State, "available");
        assert.equal(z.OptInStatus, "opt-in-not-required");
        assert.deepEqual(z.Messages, []);
        assert.equal(z.RegionName, "eu-west-1");
        assert.equal(z.GroupName, "eu-west-1-zg-1");
        assert.equal(z.GroupLongName, "Europe (Ireland) 1");
        assert.equal(z.NetworkBorderGroup, "eu-west-1");
        assert.equal(z.ZoneType, "availability-zone");
      }
    });

    it("us-east-1: two accounts see the same AZ IDs behind different names", async () => {
      const one = (await ec2("111111111111").send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!;
      const two = (await ec2("222222222222").send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!;
      assert.deepEqual(one.map((z) => z.ZoneId).sort(), two.map((z) => z.ZoneId).sort());
      assert.deepEqual(one.map((z) => z.ZoneId).sort(), ["use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"]);
      assert.notDeepEqual(one.map((z) => z.ZoneId), two.map((z) => z.ZoneId));
      // The engine's known vectors (src/engines/az-map/az-map.test.ts).
      assert.equal(one.find((z) => z.ZoneName === "us-east-1a")!.ZoneId, "use1-az5");
      assert.equal(two.find((z) => z.ZoneName === "us-east-1a")!.ZoneId, "use1-az4");
    });

    it("a Region without independent mapping: every account sees the same names", async () => {
      const one = (await ec2("111111111111", "eu-central-1").send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!;
      const two = (await ec2("222222222222", "eu-central-1").send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!;
      assert.deepEqual(one.map((z) => [z.ZoneName, z.ZoneId]), two.map((z) => [z.ZoneName, z.ZoneId]));
    });

    it("the mapping survives a restart (a second instance agrees)", async () => {
      const other = await startCloudbox();
      try {
        const c = new EC2Client({ ...other.clientConfig, region: "us-east-1", credentials: account("111111111111") });
        const a = (await c.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!;
        const b = (await ec2("111111111111").send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!;
        assert.deepEqual(a.map((z) => [z.ZoneName, z.ZoneId]), b.map((z) => [z.ZoneName, z.ZoneId]));
      } finally {
        await other.stop();
      }
    });

    it("ZoneNames and ZoneIds select zones", async () => {
      const byName = await ec2().send(new DescribeAvailabilityZonesCommand({ ZoneNames: ["us-east-1c"] }));
      assert.deepEqual(byName.AvailabilityZones!.map((z) => z.ZoneName), ["us-east-1c"]);
      const byId = await ec2().send(new DescribeAvailabilityZonesCommand({ ZoneIds: ["use1-az5"] }));
      assert.deepEqual(byId.AvailabilityZones!.map((z) => [z.ZoneName, z.ZoneId]), [["us-east-1a", "use1-az5"]]);
    });

    it("filters: zone-id with wildcard, zone-name, state, zone-type, group-name, region-name", async () => {
      const az12 = await ec2().send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: "zone-id", Values: ["use1-az1", "use1-az2"] }] }));
      assert.deepEqual(az12.AvailabilityZones!.map((z) => z.ZoneId).sort(), ["use1-az1", "use1-az2"]);
      const star = await ec2().send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: "zone-name", Values: ["*-1?"] }, { Name: "state", Values: ["available"] }] }));
      assert.equal(star.AvailabilityZones!.length, 6);
      const none = await ec2().send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: "zone-type", Values: ["local-zone"] }] }));
      assert.deepEqual(none.AvailabilityZones, []);
      const group = await ec2().send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: "group-name", Values: ["us-east-1-zg-1"] }, { Name: "region-name", Values: ["us-east-1"] }] }));
      assert.equal(group.AvailabilityZones!.length, 6);
    });

    it("an unknown zone name is InvalidParameterValue (400)", () =>
      expectError(ec2().send(new DescribeAvailabilityZonesCommand({ ZoneNames: ["us-east-1z"] })), "InvalidParameterValue", 400, /^Invalid availability zone: \[us-east-1z\]$/));

    it("an unknown zone id is InvalidParameterValue (400)", () =>
      expectError(ec2().send(new DescribeAvailabilityZonesCommand({ ZoneIds: ["euw1-az1"] })), "InvalidParameterValue", 400, /^Invalid availability zone-id: \[euw1-az1\]$/));

    it("an unknown filter is InvalidParameterValue (400)", () =>
      expectError(ec2().send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: "network-border-group", Values: ["x"] }] })), "InvalidParameterValue", 400, /The filter 'network-border-group' is invalid/));

    it("DryRun is DryRunOperation (412)", () => expectError(ec2().send(new DescribeAvailabilityZonesCommand({ DryRun: true })), "DryRunOperation", 412));

    it("a request signed for an unknown Region is refused (403), not a crash", () =>
      expectError(ec2("111111111111", "xx-nowhere-1").send(new DescribeAvailabilityZonesCommand({})), "SignatureDoesNotMatch", 403, /Credential should be scoped to a valid region, not 'xx-nowhere-1'/));
  });

  describe("AWS CLI v2", { skip: findAwsCliV2() ? false : "AWS CLI v2 not installed" }, () => {
    it("aws ec2 describe-regions --all-regions", async () => {
      const r = await awsCli(cb.endpoint, ["ec2", "describe-regions", "--all-regions"], { AWS_ACCESS_KEY_ID: "111111111111" });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json.Regions.length, regions.length);
      assert.ok(r.json.Regions.some((x: { RegionName: string; OptInStatus: string }) => x.RegionName === "af-south-1" && x.OptInStatus === "not-opted-in"));
    });

    it("aws ec2 describe-availability-zones --region eu-west-1", async () => {
      const r = await awsCli(cb.endpoint, ["ec2", "describe-availability-zones", "--region", "eu-west-1"], { AWS_ACCESS_KEY_ID: "111111111111" });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.json.AvailabilityZones.map((z: { ZoneName: string }) => z.ZoneName), ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
      const z = r.json.AvailabilityZones[0];
      for (const key of ["State", "OptInStatus", "Messages", "RegionName", "ZoneName", "ZoneId", "GroupName", "NetworkBorderGroup", "ZoneType"]) assert.ok(key in z, key);
    });

    it("AWS_ACCESS_KEY_ID=222222222222 sees other names for the same AZ IDs in us-east-1", async () => {
      const one = await awsCli(cb.endpoint, ["ec2", "describe-availability-zones"], { AWS_ACCESS_KEY_ID: "111111111111" });
      const two = await awsCli(cb.endpoint, ["ec2", "describe-availability-zones"], { AWS_ACCESS_KEY_ID: "222222222222" });
      assert.equal(one.code, 0, one.stderr);
      assert.equal(two.code, 0, two.stderr);
      const pairs = (r: typeof one) => r.json.AvailabilityZones.map((z: { ZoneName: string; ZoneId: string }) => `${z.ZoneName}=${z.ZoneId}`);
      const ids = (r: typeof one) => r.json.AvailabilityZones.map((z: { ZoneId: string }) => z.ZoneId).sort();
      assert.deepEqual(ids(one), ids(two));
      assert.notDeepEqual(pairs(one), pairs(two));
    });

    it("aws ec2 describe-availability-zones --zone-names us-east-1z fails with InvalidParameterValue", async () => {
      const r = await awsCli(cb.endpoint, ["ec2", "describe-availability-zones", "--zone-names", "us-east-1z"]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /\(InvalidParameterValue\).*Invalid availability zone: \[us-east-1z\]/);
    });
  });
});

describe("ec2 with pinned AZ mappings", () => {
  // The shape of real `aws ec2 describe-availability-zones` output from one account.
  const realOutput = {
    AvailabilityZones: [
      ["us-east-1a", "use1-az6"], ["us-east-1b", "use1-az1"], ["us-east-1c", "use1-az2"],
      ["us-east-1d", "use1-az4"], ["us-east-1e", "use1-az3"], ["us-east-1f", "use1-az5"],
    ].map(([ZoneName, ZoneId]) => ({
      State: "available", OptInStatus: "opt-in-not-required", Messages: [], RegionName: "us-east-1",
      ZoneName, ZoneId, GroupName: "us-east-1-zg-1", NetworkBorderGroup: "us-east-1", ZoneType: "availability-zone",
    })),
  };
  let cb: Cloudbox;
  before(async () => {
    cb = await startCloudbox({ azPins: { "111111111111": realOutput } });
  });
  after(() => cb.stop());

  it("a pinned account sees exactly its real mapping", async () => {
    const c = new EC2Client({ ...cb.clientConfig, region: "us-east-1", credentials: account("111111111111") });
    const out = await c.send(new DescribeAvailabilityZonesCommand({}));
    assert.deepEqual(out.AvailabilityZones!.map((z) => [z.ZoneName, z.ZoneId]), realOutput.AvailabilityZones.map((z) => [z.ZoneName, z.ZoneId]));
  });

  it("other accounts and Regions keep their hashed mapping", async () => {
    const c = new EC2Client({ ...cb.clientConfig, region: "us-east-1", credentials: account("222222222222") });
    const out = await c.send(new DescribeAvailabilityZonesCommand({}));
    assert.equal(out.AvailabilityZones!.find((z) => z.ZoneName === "us-east-1a")!.ZoneId, "use1-az4");
  });
});
