/**
 * EBS volumes and snapshots end to end (SDK v3 and AWS CLI v2): creation rules, filters, paging,
 * DryRun, errors, per-account AZ names, wrong-account access.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CopySnapshotCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  type CreateVolumeCommandInput,
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  DescribeAvailabilityZonesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
  ModifyVolumeCommand,
  waitUntilSnapshotCompleted,
  waitUntilVolumeAvailable,
} from "@aws-sdk/client-ec2";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { awsCli } from "../helpers/aws-cli.js";
import { expectError } from "./compute-helpers.js";

describe("compute: EBS volumes and snapshots", () => {
  let cb: Cloudbox;
  let ec2: (account?: string, region?: string) => EC2Client;
  const run = `vt-${Date.now()}`;
  before(async () => {
    cb = await startCloudbox();
    ec2 = (account = "111111111111", region = "us-east-1") => new EC2Client({ ...cb.clientConfig, region, credentials: { accessKeyId: account, secretAccessKey: "x" } });
  });
  after(() => cb.stop());

  it("CreateVolume answers creating, then available; defaults gp2 with baseline IOPS", async () => {
    const v = await ec2().send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 8, TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "run", Value: run }] }] }));
    assert.equal(v.State, "creating");
    assert.match(v.VolumeId!, /^vol-[0-9a-f]{17}$/);
    assert.equal(v.VolumeType, "gp2");
    assert.equal(v.Iops, 100);
    assert.equal(v.Encrypted, false);
    assert.deepEqual(v.Tags, [{ Key: "run", Value: run }]);
    await waitUntilVolumeAvailable({ client: ec2(), maxWaitTime: 30, minDelay: 1 }, { VolumeIds: [v.VolumeId!] });
    const d = await ec2().send(new DescribeVolumesCommand({ VolumeIds: [v.VolumeId!] }));
    assert.equal(d.Volumes![0].State, "available");
    assert.equal(d.Volumes![0].AvailabilityZone, "us-east-1a");
    assert.ok(d.Volumes![0].CreateTime instanceof Date);
    assert.deepEqual(d.Volumes![0].Attachments, []);
    assert.equal(d.Volumes![0].Size, 8);
  });

  it("AvailabilityZoneId is mapped to the caller's AZ name; each account sees its own name", async () => {
    const azs = await ec2("222222222222").send(new DescribeAvailabilityZonesCommand({}));
    const z = azs.AvailabilityZones![0];
    const v = await ec2("222222222222").send(new CreateVolumeCommand({ AvailabilityZoneId: z.ZoneId, Size: 1 }));
    assert.equal(v.AvailabilityZone, z.ZoneName);
    assert.equal(v.AvailabilityZoneId, z.ZoneId);
    await expectError(ec2().send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1z", Size: 1 })), "InvalidParameterValue", 400, /Invalid availability zone/);
    await expectError(ec2().send(new CreateVolumeCommand({ Size: 1 })), "MissingParameter", 400);
  });

  it("size, Iops and Throughput rules per volume type", async () => {
    const az = "us-east-1b";
    const gp3 = await ec2().send(new CreateVolumeCommand({ AvailabilityZone: az, Size: 10, VolumeType: "gp3" }));
    assert.equal(gp3.Iops, 3000);
    assert.equal(gp3.Throughput, 125);
    const io2 = await ec2().send(new CreateVolumeCommand({ AvailabilityZone: az, Size: 10, VolumeType: "io2", Iops: 10000 }));
    assert.equal(io2.Iops, 10000);
    const st1 = await ec2().send(new CreateVolumeCommand({ AvailabilityZone: az, Size: 125, VolumeType: "st1" }));
    assert.equal(st1.Iops, undefined);
    const bad: Array<[CreateVolumeCommandInput, string, RegExp]> = [
      [{ AvailabilityZone: az, Size: 16385, VolumeType: "gp2" }, "InvalidParameterValue", /too large; maximum is 16384GiB/],
      [{ AvailabilityZone: az, Size: 100, VolumeType: "st1" }, "InvalidParameterValue", /too small; minimum is 125GiB/],
      [{ AvailabilityZone: az, Size: 2000, VolumeType: "standard" }, "InvalidParameterValue", /maximum is 1024GiB/],
      [{ AvailabilityZone: az, Size: 10, VolumeType: "io1" }, "MissingParameter", /iops/],
      [{ AvailabilityZone: az, Size: 10, VolumeType: "io1", Iops: 1000 }, "InvalidParameterValue", /Iops to volume size ratio of 100 is too high; maximum is 50/],
      [{ AvailabilityZone: az, Size: 4, VolumeType: "gp3", Iops: 3000 }, "InvalidParameterValue", /ratio of 750 is too high; maximum is 500/],
      [{ AvailabilityZone: az, Size: 10, VolumeType: "gp2", Iops: 300 }, "InvalidParameterCombination", /iops is not supported for gp2/],
      [{ AvailabilityZone: az, Size: 10, VolumeType: "gp2", Throughput: 300 }, "InvalidParameterCombination", /throughput/],
      [{ AvailabilityZone: az, Size: 10, VolumeType: "gp3", Throughput: 3000 }, "InvalidParameterValue", /Throughput/],
      [{ AvailabilityZone: az }, "MissingParameter", /size or snapshotId/],
      [{ AvailabilityZone: az, Size: 10, TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "a", Value: "b" }] }] }, "InvalidParameterValue", /taggable/],
    ];
    for (const [input, code, msg] of bad) await expectError(ec2().send(new CreateVolumeCommand(input)), code, 400, msg);
  });

  it("encrypted volumes get a KMS key; DryRun creates nothing", async () => {
    const v = await ec2().send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 5, Encrypted: true }));
    assert.equal(v.Encrypted, true);
    assert.match(v.KmsKeyId!, /^arn:aws:kms:us-east-1:111111111111:key\//);
    const before = (await ec2().send(new DescribeVolumesCommand({}))).Volumes!.length;
    await expectError(ec2().send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 5, DryRun: true })), "DryRunOperation", 412);
    assert.equal((await ec2().send(new DescribeVolumesCommand({}))).Volumes!.length, before);
  });

  it("filters: size, volume-type, status, availability-zone, volume-id, encrypted, tag", async () => {
    const tag = `f-${run}`;
    const mk = (az: string, size: number, type: "gp2" | "gp3", tagged: boolean) =>
      ec2().send(
        new CreateVolumeCommand({ AvailabilityZone: az, Size: size, VolumeType: type, TagSpecifications: tagged ? [{ ResourceType: "volume", Tags: [{ Key: "f", Value: tag }] }] : undefined }),
      );
    const a = await mk("us-east-1a", 31, "gp3", true);
    const b = await mk("us-east-1b", 32, "gp2", true);
    await mk("us-east-1c", 33, "gp2", false);
    const ids = async (filters: Array<{ Name: string; Values: string[] }>) =>
      (await ec2().send(new DescribeVolumesCommand({ Filters: [{ Name: "tag:f", Values: [tag] }, ...filters] }))).Volumes!.map((v) => v.VolumeId).sort();
    assert.deepEqual(await ids([]), [a.VolumeId, b.VolumeId].sort());
    assert.deepEqual(await ids([{ Name: "size", Values: ["31"] }]), [a.VolumeId]);
    assert.deepEqual(await ids([{ Name: "volume-type", Values: ["gp2"] }]), [b.VolumeId]);
    assert.deepEqual(await ids([{ Name: "status", Values: ["available"] }]), [a.VolumeId, b.VolumeId].sort());
    assert.deepEqual(await ids([{ Name: "availability-zone", Values: ["us-east-1b"] }]), [b.VolumeId]);
    assert.deepEqual(await ids([{ Name: "volume-id", Values: [a.VolumeId!] }]), [a.VolumeId]);
    assert.deepEqual(await ids([{ Name: "encrypted", Values: ["true"] }]), []);
    assert.deepEqual(await ids([{ Name: "attachment.status", Values: ["attached"] }]), []);
    const tk = await ec2().send(new DescribeVolumesCommand({ Filters: [{ Name: "tag-key", Values: ["f"] }, { Name: "size", Values: ["31", "32", "33"] }] }));
    assert.equal(tk.Volumes!.length, 2);
    await expectError(ec2().send(new DescribeVolumesCommand({ Filters: [{ Name: "bogus", Values: ["1"] }] })), "InvalidParameterValue", 400);
  });

  it("pagination with MaxResults and NextToken; ids with MaxResults refused", async () => {
    const acct = "333333333333";
    for (let i = 0; i < 7; i++) await ec2(acct).send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 1 }));
    const p1 = await ec2(acct).send(new DescribeVolumesCommand({ MaxResults: 5 }));
    assert.equal(p1.Volumes!.length, 5);
    const p2 = await ec2(acct).send(new DescribeVolumesCommand({ MaxResults: 5, NextToken: p1.NextToken }));
    assert.equal(p2.Volumes!.length, 2);
    assert.equal(p2.NextToken, undefined);
    await expectError(ec2(acct).send(new DescribeVolumesCommand({ MaxResults: 4 })), "InvalidParameterValue", 400);
  });

  it("wrong account: NotFound for describe, delete, snapshot", async () => {
    const v = await ec2().send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 1 }));
    const other = ec2("444444444444");
    await expectError(other.send(new DescribeVolumesCommand({ VolumeIds: [v.VolumeId!] })), "InvalidVolume.NotFound", 400, /does not exist/);
    await expectError(other.send(new DeleteVolumeCommand({ VolumeId: v.VolumeId })), "InvalidVolume.NotFound", 400);
    await expectError(other.send(new CreateSnapshotCommand({ VolumeId: v.VolumeId })), "InvalidVolume.NotFound", 400);
    assert.ok(!(await other.send(new DescribeVolumesCommand({}))).Volumes!.some((x) => x.VolumeId === v.VolumeId));
    // Nor in another Region of the same account.
    await expectError(ec2("111111111111", "eu-west-1").send(new DescribeVolumesCommand({ VolumeIds: [v.VolumeId!] })), "InvalidVolume.NotFound", 400);
  });

  it("DeleteVolume removes it; DryRun and NotFound", async () => {
    const v = await ec2().send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 1 }));
    await expectError(ec2().send(new DeleteVolumeCommand({ VolumeId: v.VolumeId, DryRun: true })), "DryRunOperation", 412);
    await ec2().send(new DeleteVolumeCommand({ VolumeId: v.VolumeId }));
    await expectError(ec2().send(new DescribeVolumesCommand({ VolumeIds: [v.VolumeId!] })), "InvalidVolume.NotFound", 400);
    await expectError(ec2().send(new DeleteVolumeCommand({ VolumeId: v.VolumeId })), "InvalidVolume.NotFound", 400);
  });

  it("ModifyVolume grows and changes type; shrinking refused", async () => {
    const v = await ec2().send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 10 }));
    const m = await ec2().send(new ModifyVolumeCommand({ VolumeId: v.VolumeId, Size: 20, VolumeType: "gp3", Iops: 4000 }));
    assert.equal(m.VolumeModification!.TargetSize, 20);
    assert.equal(m.VolumeModification!.TargetVolumeType, "gp3");
    assert.equal(m.VolumeModification!.OriginalSize, 10);
    const d = (await ec2().send(new DescribeVolumesCommand({ VolumeIds: [v.VolumeId!] }))).Volumes![0];
    assert.equal(d.Size, 20);
    assert.equal(d.VolumeType, "gp3");
    assert.equal(d.Iops, 4000);
    await expectError(ec2().send(new ModifyVolumeCommand({ VolumeId: v.VolumeId, Size: 5 })), "InvalidParameterValue", 400);
  });

  it("snapshots: create (pending → completed), describe with filters and owners, volume from snapshot, copy, delete", async () => {
    const v = await ec2().send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 12 }));
    const s = await ec2().send(new CreateSnapshotCommand({ VolumeId: v.VolumeId, Description: `snap ${run}`, TagSpecifications: [{ ResourceType: "snapshot", Tags: [{ Key: "run", Value: run }] }] }));
    assert.equal(s.State, "pending");
    assert.match(s.SnapshotId!, /^snap-/);
    assert.equal(s.VolumeSize, 12);
    assert.equal(s.OwnerId, "111111111111");
    await waitUntilSnapshotCompleted({ client: ec2(), maxWaitTime: 30, minDelay: 1 }, { SnapshotIds: [s.SnapshotId!] });
    const d = await ec2().send(new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters: [{ Name: "tag:run", Values: [run] }] }));
    assert.equal(d.Snapshots!.length, 1);
    assert.equal(d.Snapshots![0].State, "completed");
    assert.equal(d.Snapshots![0].Progress, "100%");
    assert.equal((await ec2().send(new DescribeSnapshotsCommand({ Filters: [{ Name: "volume-id", Values: [v.VolumeId!] }] }))).Snapshots!.length, 1);
    assert.equal((await ec2().send(new DescribeSnapshotsCommand({ Filters: [{ Name: "description", Values: [`snap ${run}`] }] }))).Snapshots!.length, 1);
    assert.equal((await ec2().send(new DescribeSnapshotsCommand({ OwnerIds: ["999999999999"] }))).Snapshots!.length, 0);
    // A volume from the snapshot takes its size by default; smaller is refused.
    const fromSnap = await ec2().send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1b", SnapshotId: s.SnapshotId }));
    assert.equal(fromSnap.Size, 12);
    assert.equal(fromSnap.SnapshotId, s.SnapshotId);
    await expectError(ec2().send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1b", SnapshotId: s.SnapshotId, Size: 5 })), "InvalidParameterValue", 400);
    await expectError(ec2().send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1b", SnapshotId: "snap-0123456789abcdef0" })), "InvalidSnapshot.NotFound", 400);
    // Copy to another Region.
    const copy = await ec2("111111111111", "eu-west-1").send(new CopySnapshotCommand({ SourceRegion: "us-east-1", SourceSnapshotId: s.SnapshotId }));
    const copied = await ec2("111111111111", "eu-west-1").send(new DescribeSnapshotsCommand({ SnapshotIds: [copy.SnapshotId!] }));
    assert.equal(copied.Snapshots![0].VolumeSize, 12);
    assert.match(copied.Snapshots![0].Description!, /Copied/);
    // Other accounts see nothing.
    await expectError(ec2("444444444444").send(new DescribeSnapshotsCommand({ SnapshotIds: [s.SnapshotId!] })), "InvalidSnapshot.NotFound", 400);
    await expectError(ec2("444444444444").send(new DeleteSnapshotCommand({ SnapshotId: s.SnapshotId })), "InvalidSnapshot.NotFound", 400);
    await expectError(ec2().send(new DeleteSnapshotCommand({ SnapshotId: s.SnapshotId, DryRun: true })), "DryRunOperation", 412);
    await ec2().send(new DeleteSnapshotCommand({ SnapshotId: s.SnapshotId }));
    await expectError(ec2().send(new DescribeSnapshotsCommand({ SnapshotIds: [s.SnapshotId!] })), "InvalidSnapshot.NotFound", 400);
  });

  it("AWS CLI: create-volume, describe-volumes --filters, delete-volume", async () => {
    const env = { AWS_ACCESS_KEY_ID: "555555555555" };
    const c = await awsCli(cb.endpoint, ["ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "3", "--volume-type", "gp3"], env);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.json.State, "creating");
    const d = await awsCli(cb.endpoint, ["ec2", "describe-volumes", "--filters", "Name=volume-type,Values=gp3"], env);
    assert.equal(d.code, 0, d.stderr);
    assert.deepEqual(d.json.Volumes.map((v: { VolumeId: string }) => v.VolumeId), [c.json.VolumeId]);
    const x = await awsCli(cb.endpoint, ["ec2", "delete-volume", "--volume-id", c.json.VolumeId], env);
    assert.equal(x.code, 0, x.stderr);
    const e = await awsCli(cb.endpoint, ["ec2", "delete-volume", "--volume-id", c.json.VolumeId], env);
    assert.notEqual(e.code, 0);
    assert.match(e.stderr, /InvalidVolume.NotFound/);
  });
});
