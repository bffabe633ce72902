/**
 * EBS volumes: CreateVolume, DescribeVolumes, DeleteVolume, AttachVolume, DetachVolume,
 * ModifyVolume, and the helpers RunInstances uses for block device mappings.
 *
 * Rules (EC2 API Reference, CreateVolume, as shipped in the pinned SDK's model
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVolume.html):
 * - AvailabilityZone or AvailabilityZoneId, not both; Size or SnapshotId (Size ≥ the snapshot's);
 * - VolumeType default gp2; sizes gp2 1-16,384, gp3 1-65,536, io1 4-16,384, io2 4-65,536,
 *   st1/sc1 125-16,384, standard 1-1,024 GiB;
 * - Iops required for io1/io2 (io1 100-64,000, io2 100-256,000), optional for gp3 (3,000
 *   default, up to 80,000), refused for the others; the IOPS-to-size ratio is at most 50 (io1),
 *   500 (gp3) and 1,000 (io2) (Amazon EBS volume types,
 *   https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html). AWS's message for a
 *   bad ratio: "Iops to volume size ratio of 1200 is too high; maximum is 500" (seen in real
 *   Kubernetes provisioning logs). gp2 reports its baseline IOPS, 3 per GiB between 100 and
 *   16,000; st1/sc1/standard report no Iops.
 * - Throughput only for gp3: 125 (default) to 2,000 MiB/s.
 * States: CreateVolume answers `creating`, the stored volume is `available` at once (the next
 * Describe shows it); AttachVolume answers `attaching`, then `attached` (volume `in-use`);
 * DetachVolume answers `detaching`, then the attachment disappears.
 * DEVIATION: an encrypted volume without KmsKeyId gets a stable per-account key ARN standing in
 * for the aws/ebs managed key; KMS is not consulted.
 */
import { createHash } from "node:crypto";
import type { OperationContext } from "../../../core/index.js";
import type { Instance, Volume, VolumeAttachment, VolumeType } from "@aws-sdk/client-ec2";
import { commonErrors, newResourceId, opDefiner } from "../../../core/index.js";
import {
  applyTagSpecifications,
  checkDryRun,
  deleteResource,
  getResource,
  notFound,
  putResource,
  scopeOf,
  updateResource,
  validateTagSpecifications,
  withTags,
  type Scope,
} from "../foundation/index.js";
import type { FilterTable } from "../filters.js";
import { nowIso, resolveZone, visible, type Zone } from "./common.js";
import { computeErrors } from "./errors.js";
import { describeOwned } from "./listing.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

interface VolumeRule {
  min: number;
  max: number;
  iops?: { min: number; max: number; perGiB: number; required: boolean; default?: number };
}

const RULES: Record<string, VolumeRule> = {
  gp2: { min: 1, max: 16384 },
  gp3: { min: 1, max: 65536, iops: { min: 3000, max: 80000, perGiB: 500, required: false, default: 3000 } },
  io1: { min: 4, max: 16384, iops: { min: 100, max: 64000, perGiB: 50, required: true } },
  io2: { min: 4, max: 65536, iops: { min: 100, max: 256000, perGiB: 1000, required: true } },
  st1: { min: 125, max: 16384 },
  sc1: { min: 125, max: 16384 },
  standard: { min: 1, max: 1024 },
};

export interface VolumeRequest {
  Size?: number;
  SnapshotId?: string;
  VolumeType?: string;
  Iops?: number;
  Throughput?: number;
  Encrypted?: boolean;
  KmsKeyId?: string;
}

export interface PlannedVolume {
  size: number;
  type: VolumeType;
  iops?: number;
  throughput?: number;
  snapshotId: string;
  encrypted: boolean;
  kmsKeyId?: string;
}

const defaultKmsKey = (scope: Scope): string => {
  const h = createHash("sha256").update(`cloudbox-ebs-key/${scope.accountId}/${scope.region}`).digest("hex");
  return `arn:aws:kms:${scope.region}:${scope.accountId}:key/${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/** Validates a volume request (CreateVolume or a block device mapping); throws AWS's errors. */
export const planVolume = (ctx: OperationContext, req: VolumeRequest): PlannedVolume => {
  const scope = scopeOf(ctx);
  const type = req.VolumeType ?? "gp2";
  const rule = RULES[type];
  if (!rule) throw commonErrors.invalidParameterValue(`Value (${type}) for parameter volumeType is invalid. Valid values: standard, io1, io2, gp2, gp3, sc1, st1.`);
  let size = req.Size;
  let encrypted = req.Encrypted ?? false;
  let kmsKeyId = req.KmsKeyId;
  if (req.SnapshotId !== undefined) {
    const snap = getResource<{ VolumeSize?: number; Encrypted?: boolean; KmsKeyId?: string }>(ctx.store, scope, "snapshot", req.SnapshotId);
    if (!snap) throw notFound("snapshot", req.SnapshotId);
    if (size === undefined) size = snap.VolumeSize;
    else if (size < (snap.VolumeSize ?? 0)) {
      throw commonErrors.invalidParameterValue(`Volume of size ${size}GiB is smaller than snapshot '${req.SnapshotId}', expect size >= ${snap.VolumeSize}GiB`);
    }
    // A volume from an encrypted snapshot is encrypted with the snapshot's key (EBS encryption rules).
    if (snap.Encrypted) {
      encrypted = true;
      kmsKeyId ??= snap.KmsKeyId;
    }
  }
  if (size === undefined) throw commonErrors.missingParameter("size or snapshotId");
  if (!Number.isInteger(size) || size < rule.min) throw commonErrors.invalidParameterValue(`Volume of ${size}GiB is too small; minimum is ${rule.min}GiB.`);
  if (size > rule.max) throw commonErrors.invalidParameterValue(`Volume of ${size}GiB is too large; maximum is ${rule.max}GiB.`);
  let iops: number | undefined;
  if (req.Iops !== undefined) {
    if (!rule.iops) throw computeErrors.invalidParameterCombination(`The parameter iops is not supported for ${type} volumes.`);
    if (req.Iops < rule.iops.min || req.Iops > rule.iops.max) {
      throw commonErrors.invalidParameterValue(`IOPS rate must be between ${rule.iops.min} and ${rule.iops.max} when provisioning ${type} volumes.`);
    }
    const ratio = req.Iops / size;
    if (ratio > rule.iops.perGiB) throw commonErrors.invalidParameterValue(`Iops to volume size ratio of ${+ratio.toFixed(2)} is too high; maximum is ${rule.iops.perGiB}`);
    iops = req.Iops;
  } else if (rule.iops?.required) {
    throw commonErrors.missingParameter(`iops`);
  } else if (rule.iops?.default !== undefined) {
    iops = rule.iops.default;
  } else if (type === "gp2") {
    iops = Math.min(16000, Math.max(100, 3 * size));
  }
  let throughput: number | undefined;
  if (req.Throughput !== undefined) {
    if (type !== "gp3") throw computeErrors.invalidParameterCombination(`The parameter throughput is not supported for ${type} volumes.`);
    if (req.Throughput < 125 || req.Throughput > 2000) throw commonErrors.invalidParameterValue(`Throughput must be between 125 and 2000 MiB/s for gp3 volumes.`);
    throughput = req.Throughput;
  } else if (type === "gp3") throughput = 125;
  if (kmsKeyId !== undefined && !encrypted) {
    throw computeErrors.invalidParameterCombination("The parameter KmsKeyId requires the parameter Encrypted to be set.");
  }
  if (encrypted) kmsKeyId ??= defaultKmsKey(scope);
  return { size, type: type as VolumeType, iops, throughput, snapshotId: req.SnapshotId ?? "", encrypted, kmsKeyId };
};

/** Stores a new volume; returns the stored document (state `available`). */
export const createVolumeResource = (ctx: OperationContext, plan: PlannedVolume, zone: Zone, id = newResourceId("vol")): Volume => {
  const doc: Volume = {
    VolumeId: id,
    Size: plan.size,
    SnapshotId: plan.snapshotId,
    AvailabilityZone: zone.name,
    AvailabilityZoneId: zone.id,
    State: "available",
    CreateTime: nowIso(ctx) as unknown as Date,
    Attachments: [],
    Encrypted: plan.encrypted,
    VolumeType: plan.type,
    MultiAttachEnabled: false,
  };
  if (plan.kmsKeyId) doc.KmsKeyId = plan.kmsKeyId;
  if (plan.iops !== undefined) doc.Iops = plan.iops;
  if (plan.throughput !== undefined) doc.Throughput = plan.throughput;
  putResource(ctx.store, scopeOf(ctx), "volume", id, doc);
  return doc;
};

export const createVolume = defineOp("CreateVolume", (input, ctx) => {
  const scope = scopeOf(ctx);
  const zone = resolveZone(ctx, input.AvailabilityZone, input.AvailabilityZoneId);
  if (input.MultiAttachEnabled && input.VolumeType !== "io1" && input.VolumeType !== "io2") {
    throw computeErrors.invalidParameterCombination("Multi-Attach is supported only for io1 and io2 volumes.");
  }
  const plan = planVolume(ctx, input);
  validateTagSpecifications(input.TagSpecifications, ["volume"]);
  checkDryRun(input);
  const doc = createVolumeResource(ctx, plan, zone);
  if (input.MultiAttachEnabled) updateResource<Volume>(ctx.store, scope, "volume", doc.VolumeId!, (v) => void (v.MultiAttachEnabled = true));
  const tags = applyTagSpecifications(ctx.store, scope, "volume", doc.VolumeId!, input.TagSpecifications);
  return { ...withTags({ ...doc, MultiAttachEnabled: input.MultiAttachEnabled ?? false }, tags), State: "creating" as const };
});

const volumeFilters: FilterTable<Volume> = {
  "attachment.attach-time": (v) => (v.Attachments ?? []).map((a) => String(a.AttachTime)),
  "attachment.delete-on-termination": (v) => (v.Attachments ?? []).map((a) => a.DeleteOnTermination ?? false),
  "attachment.device": (v) => (v.Attachments ?? []).map((a) => a.Device ?? ""),
  "attachment.instance-id": (v) => (v.Attachments ?? []).map((a) => a.InstanceId ?? ""),
  "attachment.status": (v) => (v.Attachments ?? []).map((a) => a.State ?? ""),
  "availability-zone": (v) => v.AvailabilityZone,
  "availability-zone-id": (v) => v.AvailabilityZoneId,
  "create-time": (v) => String(v.CreateTime),
  encrypted: (v) => v.Encrypted,
  "multi-attach-enabled": (v) => v.MultiAttachEnabled,
  size: (v) => v.Size,
  "snapshot-id": (v) => v.SnapshotId,
  status: (v) => v.State,
  "volume-id": (v) => v.VolumeId,
  "volume-type": (v) => v.VolumeType,
};

export const describeVolumes = defineOp("DescribeVolumes", (input, ctx) => {
  const page = describeOwned<Volume>(
    ctx.store,
    scopeOf(ctx),
    { type: "volume", idOf: (v) => v.VolumeId!, notFound: (id) => notFound("volume", id), filters: volumeFilters, paging: { min: 5, max: 1000 } },
    { ids: input.VolumeIds, idsParameter: "volumeIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  return { Volumes: page.items.map(visible), NextToken: page.nextToken };
});

const ownedVolume = (ctx: OperationContext, id: string | undefined, parameter = "VolumeId"): Volume => {
  if (!id) throw commonErrors.missingParameter(parameter);
  const v = getResource<Volume>(ctx.store, scopeOf(ctx), "volume", id, { owned: true });
  if (!v) throw notFound("volume", id);
  return v;
};

export const deleteVolume = defineOp("DeleteVolume", (input, ctx) => {
  const v = ownedVolume(ctx, input.VolumeId);
  const attached = (v.Attachments ?? [])[0];
  if (attached) throw computeErrors.volumeInUse(v.VolumeId!, attached.InstanceId);
  checkDryRun(input);
  deleteResource(ctx.store, v.VolumeId!);
  return {};
});

// ---------------------------------------------------------------------------------------------
// Attachments: the volume's Attachments and the instance's BlockDeviceMappings move together.

const DEVICE = /^(\/dev\/)?(sd[a-z][0-9]{0,2}|xvd[a-z]{1,2}[0-9]{0,2}|hd[a-z]|nvme[0-9]+n[0-9]+)$/;

/** Links a volume to an instance (both stored); returns the attachment as the volume shows it. */
export const linkVolume = (
  ctx: OperationContext,
  volumeId: string,
  instanceId: string,
  device: string,
  deleteOnTermination: boolean,
): VolumeAttachment => {
  const scope = scopeOf(ctx);
  const at = nowIso(ctx) as unknown as Date;
  const attachment: VolumeAttachment = { AttachTime: at, Device: device, InstanceId: instanceId, State: "attached", VolumeId: volumeId, DeleteOnTermination: deleteOnTermination };
  updateResource<Volume>(ctx.store, scope, "volume", volumeId, (v) => {
    v.Attachments = [...(v.Attachments ?? []), attachment];
    v.State = "in-use";
  });
  updateResource<Instance>(ctx.store, scope, "instance", instanceId, (i) => {
    i.BlockDeviceMappings = [
      ...(i.BlockDeviceMappings ?? []),
      { DeviceName: device, Ebs: { AttachTime: at, DeleteOnTermination: deleteOnTermination, Status: "attached", VolumeId: volumeId } },
    ];
  });
  return attachment;
};

/** Unlinks a volume from its instance (both stored). */
export const unlinkVolume = (ctx: OperationContext, volumeId: string, instanceId: string): void => {
  const scope = scopeOf(ctx);
  updateResource<Volume>(ctx.store, scope, "volume", volumeId, (v) => {
    v.Attachments = (v.Attachments ?? []).filter((a) => a.InstanceId !== instanceId);
    if (v.Attachments.length === 0) v.State = "available";
  });
  updateResource<Instance>(ctx.store, scope, "instance", instanceId, (i) => {
    i.BlockDeviceMappings = (i.BlockDeviceMappings ?? []).filter((b) => b.Ebs?.VolumeId !== volumeId);
  });
};

export const attachVolume = defineOp("AttachVolume", (input, ctx) => {
  const scope = scopeOf(ctx);
  if (!input.Device) throw commonErrors.missingParameter("Device");
  if (!input.InstanceId) throw commonErrors.missingParameter("InstanceId");
  const v = ownedVolume(ctx, input.VolumeId);
  const inst = getResource<Instance>(ctx.store, scope, "instance", input.InstanceId, { owned: true });
  if (!inst) throw notFound("instance", input.InstanceId);
  if (!DEVICE.test(input.Device)) throw commonErrors.invalidParameterValue(`Value (${input.Device}) for parameter device is invalid. ${input.Device} is not a valid EBS device name.`);
  const state = inst.State?.Name;
  if (state !== "running" && state !== "stopped" && state !== "pending") throw computeErrors.incorrectInstanceState(inst.InstanceId!, "attached to", undefined);
  // Same AZ only (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-attaching-volume.html).
  if (v.AvailabilityZoneId !== inst.Placement?.AvailabilityZoneId) throw computeErrors.volumeZoneMismatch(v.VolumeId!, inst.InstanceId!);
  if ((v.Attachments ?? []).length && !v.MultiAttachEnabled) throw computeErrors.volumeInUse(v.VolumeId!);
  if ((v.Attachments ?? []).some((a) => a.InstanceId === inst.InstanceId)) throw computeErrors.volumeInUse(v.VolumeId!);
  if ((inst.BlockDeviceMappings ?? []).some((b) => b.DeviceName === input.Device)) {
    throw commonErrors.invalidParameterValue(`Invalid value '${input.Device}' for unixDevice. Attachment point ${input.Device} is already in use`);
  }
  checkDryRun(input);
  const a = linkVolume(ctx, v.VolumeId!, inst.InstanceId!, input.Device, false);
  return { AttachTime: a.AttachTime, Device: a.Device, InstanceId: a.InstanceId, State: "attaching" as const, VolumeId: a.VolumeId, DeleteOnTermination: false };
});

export const detachVolume = defineOp("DetachVolume", (input, ctx) => {
  const v = ownedVolume(ctx, input.VolumeId);
  const attachments = v.Attachments ?? [];
  const a = input.InstanceId ? attachments.find((x) => x.InstanceId === input.InstanceId) : attachments[0];
  if (!a) {
    if (input.InstanceId && !getResource(ctx.store, scopeOf(ctx), "instance", input.InstanceId, { owned: true })) throw notFound("instance", input.InstanceId);
    throw computeErrors.incorrectState(
      input.InstanceId ? `Volume '${v.VolumeId}' is not attached to instance '${input.InstanceId}'.` : `Volume '${v.VolumeId}' is in the 'available' state.`,
    );
  }
  if (input.Device && a.Device !== input.Device) {
    throw commonErrors.invalidParameterValue(`Volume '${v.VolumeId}' is not attached at device '${input.Device}'.`);
  }
  checkDryRun(input);
  unlinkVolume(ctx, v.VolumeId!, a.InstanceId!);
  return { ...a, State: "detaching" as const };
});

export const modifyVolume = defineOp("ModifyVolume", (input, ctx) => {
  const v = ownedVolume(ctx, input.VolumeId);
  const type = input.VolumeType ?? v.VolumeType!;
  const size = input.Size ?? v.Size!;
  // ModifyVolume: "The target volume size must be greater than or equal to the existing size".
  if (size < v.Size!) throw commonErrors.invalidParameterValue(`New size cannot be smaller than existing size`);
  const keepIops = type === v.VolumeType && (type === "io1" || type === "io2" || type === "gp3") ? v.Iops : undefined;
  const keepThroughput = type === "gp3" && v.VolumeType === "gp3" ? v.Throughput : undefined;
  const plan = planVolume(ctx, {
    Size: size,
    VolumeType: type,
    Iops: input.Iops ?? keepIops ?? (type === "io1" || type === "io2" ? 3000 : undefined),
    Throughput: input.Throughput ?? keepThroughput,
    Encrypted: v.Encrypted,
    KmsKeyId: v.KmsKeyId,
  });
  checkDryRun(input);
  const start = nowIso(ctx) as unknown as Date;
  updateResource<Volume>(ctx.store, scopeOf(ctx), "volume", v.VolumeId!, (d) => {
    d.Size = plan.size;
    d.VolumeType = plan.type;
    if (plan.iops !== undefined) d.Iops = plan.iops;
    else delete d.Iops;
    if (plan.throughput !== undefined) d.Throughput = plan.throughput;
    else delete d.Throughput;
  });
  return {
    VolumeModification: {
      VolumeId: v.VolumeId,
      ModificationState: "modifying" as const,
      TargetSize: plan.size,
      TargetIops: plan.iops,
      TargetVolumeType: plan.type,
      TargetThroughput: plan.throughput,
      TargetMultiAttachEnabled: v.MultiAttachEnabled ?? false,
      OriginalSize: v.Size,
      OriginalIops: v.Iops,
      OriginalVolumeType: v.VolumeType,
      OriginalThroughput: v.Throughput,
      OriginalMultiAttachEnabled: v.MultiAttachEnabled ?? false,
      Progress: 0,
      StartTime: start,
    },
  };
});

export const volumeOperations = [createVolume, describeVolumes, deleteVolume, attachVolume, detachVolume, modifyVolume];
