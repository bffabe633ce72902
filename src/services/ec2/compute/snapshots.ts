/**
 * EBS snapshots: CreateSnapshot, DescribeSnapshots, DeleteSnapshot, CopySnapshot
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSnapshot.html).
 *
 * CreateSnapshot answers `pending` with Progress "0%"; the stored snapshot is `completed` with
 * Progress "100%" at once, so the next DescribeSnapshots (and the snapshot-completed waiter) sees
 * it finished. CopySnapshot copies a snapshot of the caller from SourceRegion into the request's
 * Region. DescribeSnapshots lists the caller's snapshots; OwnerIds accepts `self` and account
 * ids (only the caller's own snapshots exist here).
 * DEVIATION: no public or shared snapshots, no Amazon-owned snapshots, no archive tier;
 * RestorableByUserIds is accepted and ignored.
 */
import type { Snapshot, Volume } from "@aws-sdk/client-ec2";
import { commonErrors, newResourceId, opDefiner } from "../../../core/index.js";
import {
  applyTagSpecifications,
  checkDryRun,
  deleteResource,
  getResource,
  notFound,
  putResource,
  scopeOf,
  validateTagSpecifications,
  withTags,
} from "../foundation/index.js";
import type { FilterTable } from "../filters.js";
import { regionData } from "../regions-data.js";
import { nowIso, visible } from "./common.js";
import { describeOwned } from "./listing.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

export const createSnapshot = defineOp("CreateSnapshot", (input, ctx) => {
  const scope = scopeOf(ctx);
  if (!input.VolumeId) throw commonErrors.missingParameter("VolumeId");
  const v = getResource<Volume>(ctx.store, scope, "volume", input.VolumeId, { owned: true });
  if (!v) throw notFound("volume", input.VolumeId);
  validateTagSpecifications(input.TagSpecifications, ["snapshot"]);
  checkDryRun(input);
  const id = newResourceId("snap");
  const doc: Snapshot = {
    SnapshotId: id,
    VolumeId: v.VolumeId,
    State: "completed",
    StartTime: nowIso(ctx) as unknown as Date,
    Progress: "100%",
    OwnerId: ctx.accountId,
    Description: input.Description ?? "",
    VolumeSize: v.Size,
    Encrypted: v.Encrypted ?? false,
    StorageTier: "standard",
  };
  if (v.KmsKeyId) doc.KmsKeyId = v.KmsKeyId;
  putResource(ctx.store, scope, "snapshot", id, doc);
  const tags = applyTagSpecifications(ctx.store, scope, "snapshot", id, input.TagSpecifications);
  return { ...withTags(doc, tags), State: "pending" as const, Progress: "0%" };
});

const snapshotFilters: FilterTable<Snapshot> = {
  description: (s) => s.Description,
  encrypted: (s) => s.Encrypted,
  "owner-id": (s) => s.OwnerId,
  progress: (s) => s.Progress,
  "snapshot-id": (s) => s.SnapshotId,
  "start-time": (s) => String(s.StartTime),
  status: (s) => s.State,
  "storage-tier": (s) => s.StorageTier,
  "volume-id": (s) => s.VolumeId,
  "volume-size": (s) => s.VolumeSize,
};

export const describeSnapshots = defineOp("DescribeSnapshots", (input, ctx) => {
  const owners = input.OwnerIds ?? [];
  for (const o of owners) {
    if (o !== "self" && o !== "amazon" && o !== "aws-marketplace" && !/^\d{12}$/.test(o)) {
      throw commonErrors.invalidParameterValue(`Invalid owner id: '${o}'`);
    }
  }
  const page = describeOwned<Snapshot>(
    ctx.store,
    scopeOf(ctx),
    { type: "snapshot", idOf: (s) => s.SnapshotId!, notFound: (id) => notFound("snapshot", id), filters: snapshotFilters, paging: { min: 5, max: 1000 } },
    { ids: input.SnapshotIds, idsParameter: "snapshotIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  const mine = owners.length === 0 || owners.includes("self") || owners.includes(ctx.accountId);
  return { Snapshots: mine ? page.items.map(visible) : [], NextToken: mine ? page.nextToken : undefined };
});

export const deleteSnapshot = defineOp("DeleteSnapshot", (input, ctx) => {
  if (!input.SnapshotId) throw commonErrors.missingParameter("SnapshotId");
  const s = getResource<Snapshot>(ctx.store, scopeOf(ctx), "snapshot", input.SnapshotId, { owned: true });
  if (!s) throw notFound("snapshot", input.SnapshotId);
  checkDryRun(input);
  deleteResource(ctx.store, input.SnapshotId);
  return {};
});

export const copySnapshot = defineOp("CopySnapshot", (input, ctx) => {
  const scope = scopeOf(ctx);
  if (!input.SourceSnapshotId) throw commonErrors.missingParameter("SourceSnapshotId");
  if (!input.SourceRegion) throw commonErrors.missingParameter("SourceRegion");
  if (!regionData(input.SourceRegion)) throw commonErrors.invalidParameterValue(`Invalid region: [${input.SourceRegion}]`);
  const src = getResource<Snapshot>(ctx.store, { accountId: ctx.accountId, region: input.SourceRegion }, "snapshot", input.SourceSnapshotId, { owned: true });
  if (!src) throw notFound("snapshot", input.SourceSnapshotId);
  if (input.KmsKeyId !== undefined && !input.Encrypted && !src.Encrypted) {
    throw commonErrors.invalidParameterValue("The parameter KmsKeyId requires the parameter Encrypted to be set.");
  }
  validateTagSpecifications(input.TagSpecifications, ["snapshot"]);
  checkDryRun(input);
  const id = newResourceId("snap");
  const encrypted = (input.Encrypted ?? false) || (src.Encrypted ?? false);
  const doc: Snapshot = {
    ...visible(src),
    SnapshotId: id,
    StartTime: nowIso(ctx) as unknown as Date,
    Description: input.Description ?? `[Copied ${src.SnapshotId} from ${input.SourceRegion}]`,
    Encrypted: encrypted,
    State: "completed",
    Progress: "100%",
  };
  if (input.KmsKeyId) doc.KmsKeyId = input.KmsKeyId;
  putResource(ctx.store, scope, "snapshot", id, doc);
  const tags = applyTagSpecifications(ctx.store, scope, "snapshot", id, input.TagSpecifications);
  return { SnapshotId: id, Tags: tags.length ? tags : undefined };
});

export const snapshotOperations = [createSnapshot, describeSnapshots, deleteSnapshot, copySnapshot];
