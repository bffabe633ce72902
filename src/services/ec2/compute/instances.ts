/**
 * Instances: RunInstances, DescribeInstances, DescribeInstanceStatus, StopInstances,
 * StartInstances, RebootInstances, TerminateInstances, ModifyInstanceAttribute,
 * DescribeInstanceAttribute.
 *
 * RunInstances (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html):
 * - ImageId: any well-formed ami- id. DEVIATION: there is no AMI catalogue; every image is an
 *   x86_64 (arm64 for Graviton families) HVM Linux image with root device /dev/xvda and an 8 GiB
 *   gp2 root volume unless a block device mapping for /dev/xvda says otherwise.
 * - InstanceType (default m1.small, as the API Reference says) must exist in
 *   data/instance-network-limits.json: AWS answers "InvalidParameterValue: Invalid value 'x'
 *   for InstanceType." (ansible/workshops#2000).
 * - MinCount ≤ MaxCount; all instances of one call share a reservation (r-…) and get
 *   AmiLaunchIndex 0..n-1. DEVIATION: capacity is unlimited, so MaxCount instances are launched
 *   whenever addresses allow (fewer, but at least MinCount, when the subnet runs short).
 * - Placement: SubnetId, or NetworkInterfaces[].SubnetId / NetworkInterfaceId, or the default
 *   subnet of the default VPC (in Placement.AvailabilityZone when given); the subnet's AZ must
 *   match Placement.AvailabilityZone. Without a default VPC: VPCIdNotSpecified.
 * - Security groups: SecurityGroupIds, or SecurityGroups names (only in the default VPC: "The
 *   parameter groupName cannot be used with the parameter subnet"), or the VPC's default group;
 *   NetworkInterfaces exclude the instance-level subnet and groups ("Network interfaces and an
 *   instance-level subnet ID may not be specified on the same request").
 * - Network interfaces: the type's ENIs per network card (AttachmentLimitExceeded) and IPv4 /
 *   IPv6 addresses per ENI (PrivateIpAddressLimitExceeded) are enforced; an ENI with
 *   DeleteOnTermination (default true for the ENIs RunInstances creates, false for attached
 *   existing ones) is deleted with the instance and its addresses are released.
 * - Public IPv4 when the subnet has MapPublicIpOnLaunch or AssociatePublicIpAddress is true
 *   (only with a single, new primary interface: "The associatePublicIPAddress parameter cannot
 *   be specified when launching with multiple network interfaces"); released on stop, a new one
 *   on start (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html).
 *   DNS names per data/vpc-facts.json (ec2.internal / compute-1.amazonaws.com in us-east-1);
 *   PublicDnsName only when the VPC has enableDnsHostnames.
 * - UserData: base64 (at most 16 KB decoded), kept as given and returned by
 *   DescribeInstanceAttribute userData.
 * - BlockDeviceMappings create volumes in the instance's AZ (DeleteOnTermination default true)
 *   through the same rules as CreateVolume.
 * States: RunInstances answers `pending`; the stored instance is `running`, so the next
 * Describe shows it running. Stop answers `stopping` (then `stopped`), Start `pending` (then
 * `running`), Terminate `shutting-down` (then `terminated`). Terminated instances stay visible
 * (AWS keeps them for about an hour; Cloudbox keeps them) with no network interfaces.
 */
import type {
  Instance,
  InstanceState,
  InstanceStateChange,
  InstanceStateName,
  InstanceStatus,
  Reservation,
  SecurityGroup,
} from "@aws-sdk/client-ec2";
import type { OperationContext } from "../../../core/index.js";
import { commonErrors, newResourceId, opDefiner } from "../../../core/index.js";
import {
  applyTagSpecifications,
  checkDryRun,
  deleteResource,
  getResource,
  listResources,
  notFound,
  putResource,
  scopeOf,
  tagsOf,
  updateResource,
  validateTagSpecifications,
  type Ec2Tag,
} from "../foundation/index.js";
import { applyFilters, type FilterTable } from "../filters.js";
import { defaultVpcId } from "../vpc/index.js";
import { SubnetAddresses, releasePublicIpv4, takePublicIpv4 } from "./addresses.js";
import { nowIso, visible, zoneIdFor, zoneNameFor } from "./common.js";
import { computeErrors } from "./errors.js";
import { describeOwned } from "./listing.js";
import { instanceTypeLimits, type InstanceTypeLimits } from "./instance-types.js";
import {
  ENI,
  attachEni,
  cardLimit,
  createEni,
  destroyEni,
  detachEni,
  eipsByEni,
  instanceEniIds,
  instanceNetworkFields,
  ownedEni,
  publicDnsName,
  refreshInstanceNetwork,
  resolveGroups,
  validateEniSpec,
  visibleSubnet,
  withElasticIps,
  type EniDoc,
  type EniSpec,
} from "./network-interfaces.js";
import { pageOf } from "./paging.js";
import { createVolumeResource, planVolume, linkVolume, unlinkVolume, type PlannedVolume } from "./volumes.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

export const INSTANCE = "instance";

interface InstanceBookkeeping {
  reservationId: string;
  /** Clock time of termination (ms). */
  terminatedAt?: number;
  enis: string[];
  userData?: string;
  disableApiTermination?: boolean;
  shutdownBehavior?: string;
}

export type InstanceDoc = Instance & { InstanceId: string; _cb: InstanceBookkeeping };

/**
 * "Recently terminated instances might appear in the returned results. This interval is usually
 * less than one hour." (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html).
 * Terminated instances are kept for an hour of the injected clock, then answer NotFound.
 */
export const TERMINATED_VISIBLE_MS = 60 * 60 * 1000;

const goneAt = (now: number) => (doc: InstanceDoc): boolean =>
  doc.State?.Name === "terminated" && doc._cb.terminatedAt !== undefined && now - doc._cb.terminatedAt > TERMINATED_VISIBLE_MS;

/** Instance state codes (API Reference, InstanceState: the low byte). */
const CODES: Record<string, number> = { pending: 0, running: 16, "shutting-down": 32, terminated: 48, stopping: 64, stopped: 80 };
const state = (name: InstanceStateName): InstanceState => ({ Code: CODES[name], Name: name });

type SubnetDoc = EniSpec["subnet"];

/** Graviton families carry a "g" after the generation digit (m6g, c7gn, t4g, g5g, x2gd). */
const isGraviton = (type: string): boolean => /^[a-z]+\d+[a-z]*g[a-z]*\./.test(type);

const gmt = (ctx: OperationContext): string => new Date(ctx.clock.now()).toISOString().replace("T", " ").replace(/\.\d+Z$/, " GMT");

// ---------------------------------------------------------------------------------------------
// RunInstances

interface NicPlan {
  deviceIndex: number;
  networkCardIndex: number;
  deleteOnTermination: boolean;
  existing?: EniDoc;
  spec?: EniSpec;
  groups?: ReturnType<typeof resolveGroups>;
}

const USER_DATA_MAX = 16 * 1024;

const validateUserData = (userData: string | undefined): void => {
  if (userData === undefined) return;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(userData) || userData.length % 4 === 1) throw commonErrors.invalidParameterValue("Invalid BASE64 encoding of user data.");
  if (Buffer.from(userData, "base64").length > USER_DATA_MAX) {
    throw commonErrors.invalidParameterValue(`User data is limited to ${USER_DATA_MAX} bytes`);
  }
};

/** The default subnet of the caller's default VPC (in the given AZ, else the first AZ). */
const defaultSubnet = (ctx: OperationContext, zoneName: string | undefined): SubnetDoc => {
  const scope = scopeOf(ctx);
  const vpcId = defaultVpcId(ctx.store, scope, ctx.settings);
  if (!vpcId) throw computeErrors.vpcIdNotSpecified();
  const subnets = listResources<SubnetDoc>(ctx.store, scope, "subnet", { parent: vpcId, includeShared: false }).filter((s) => s.DefaultForAz);
  const zoneId = zoneName ? zoneIdFor(ctx, zoneName) : undefined;
  if (zoneName && !zoneId) throw commonErrors.invalidParameterValue(`Invalid availability zone: [${zoneName}]`);
  const sorted = [...subnets].sort((a, b) => zoneNameFor(ctx, a.AvailabilityZoneId).localeCompare(zoneNameFor(ctx, b.AvailabilityZoneId)));
  const s = zoneId ? sorted.find((x) => x.AvailabilityZoneId === zoneId) : sorted[0];
  if (!s) throw computeErrors.vpcIdNotSpecified();
  return s;
};

export const runInstances = defineOp("RunInstances", (input, ctx) => {
  const scope = scopeOf(ctx);
  // --- plain parameters
  if (!input.ImageId) throw commonErrors.missingParameter("ImageId");
  if (!/^ami-[0-9a-f]{8,17}$/.test(input.ImageId)) throw computeErrors.invalidAmiIdMalformed(input.ImageId);
  const type = input.InstanceType ?? "m1.small";
  const limits = instanceTypeLimits(type);
  if (!limits) throw computeErrors.invalidInstanceTypeValue(type);
  if (input.MinCount === undefined) throw commonErrors.missingParameter("MinCount");
  if (input.MaxCount === undefined) throw commonErrors.missingParameter("MaxCount");
  if (!Number.isInteger(input.MinCount) || input.MinCount < 1) throw commonErrors.invalidParameterValue(`Value (${input.MinCount}) for parameter minCount is invalid. Expected a positive integer.`);
  if (!Number.isInteger(input.MaxCount) || input.MaxCount < input.MinCount) {
    throw commonErrors.invalidParameterValue(`Value (${input.MaxCount}) for parameter maxCount is invalid. Expected a value greater than or equal to minCount.`);
  }
  validateUserData(input.UserData);
  validateTagSpecifications(input.TagSpecifications, ["instance", "volume", "network-interface"]);
  const nics = input.NetworkInterfaces ?? [];
  if (nics.length) {
    if (input.SubnetId) throw computeErrors.invalidParameterCombination("Network interfaces and an instance-level subnet ID may not be specified on the same request");
    if (input.SecurityGroupIds?.length || input.SecurityGroups?.length) {
      throw computeErrors.invalidParameterCombination("Network interfaces and an instance-level security groups may not be specified on the same request");
    }
    if (input.PrivateIpAddress) throw computeErrors.invalidParameterCombination("Network interfaces and an instance-level private IP address may not be specified on the same request");
  }
  if (input.PrivateIpAddress && input.MaxCount > 1) {
    throw computeErrors.invalidParameterCombination("Cannot specify a private IP address when launching more than one instance.");
  }

  // --- the primary subnet
  const nic0 = nics.find((n) => (n.DeviceIndex ?? 0) === 0 && (n.NetworkCardIndex ?? 0) === 0);
  if (nics.length && !nic0) throw commonErrors.invalidParameterValue("Each instance must have a network interface at device index 0.");
  let subnet: SubnetDoc;
  let existing0: EniDoc | undefined;
  let inDefaultVpc = false;
  if (nic0?.NetworkInterfaceId) {
    existing0 = ownedEni(ctx, nic0.NetworkInterfaceId);
    subnet = visibleSubnet(ctx, existing0.SubnetId);
  } else if (nic0?.SubnetId || input.SubnetId) {
    subnet = visibleSubnet(ctx, nic0?.SubnetId ?? input.SubnetId);
  } else {
    subnet = defaultSubnet(ctx, input.Placement?.AvailabilityZone);
    inDefaultVpc = true;
  }
  const zone = { name: zoneNameFor(ctx, subnet.AvailabilityZoneId), id: subnet.AvailabilityZoneId };
  const wantedZone = input.Placement?.AvailabilityZone;
  if (wantedZone !== undefined && wantedZone !== zone.name) {
    if (!zoneIdFor(ctx, wantedZone)) throw commonErrors.invalidParameterValue(`Invalid availability zone: [${wantedZone}]`);
    throw commonErrors.invalidParameterValue(
      `Value (${wantedZone}) for parameter availabilityZone is invalid. Subnet '${subnet.SubnetId}' is in the availability zone ${zone.name}`,
    );
  }
  if (input.Placement?.AvailabilityZoneId !== undefined && input.Placement.AvailabilityZoneId !== zone.id) {
    throw commonErrors.invalidParameterValue(
      `Value (${input.Placement.AvailabilityZoneId}) for parameter availabilityZoneId is invalid. Subnet '${subnet.SubnetId}' is in the availability zone ${zone.id}`,
    );
  }

  // --- security groups by name (default VPC only)
  let groupIds = input.SecurityGroupIds;
  if (input.SecurityGroups?.length) {
    if (!inDefaultVpc) throw computeErrors.invalidParameterCombination("The parameter groupName cannot be used with the parameter subnet");
    const groups = listResources<SecurityGroup>(ctx.store, scope, "security-group", { parent: subnet.VpcId, includeShared: false });
    const byName = input.SecurityGroups.map((name) => {
      const g = groups.find((x) => x.GroupName === name);
      if (!g) throw notFound("security-group", name);
      return g.GroupId!;
    });
    groupIds = [...(groupIds ?? []), ...byName];
  }

  // --- network interface plans (validated once, created per instance)
  const publicDefault = subnet.MapPublicIpOnLaunch === true;
  const plans: NicPlan[] = [];
  if (nics.length === 0) {
    const spec: EniSpec = {
      subnet,
      groupIds,
      privateIpAddress: input.PrivateIpAddress,
      ipv6Count: input.Ipv6AddressCount,
      ipv6Addresses: input.Ipv6Addresses?.map((a) => a.Ipv6Address!).filter(Boolean),
      publicIp: publicDefault,
      limits: { type, limits },
    };
    plans.push({ deviceIndex: 0, networkCardIndex: 0, deleteOnTermination: true, spec, groups: validateEniSpec(ctx, spec) });
  } else {
    const seen = new Set<string>();
    for (const n of nics) {
      const deviceIndex = n.DeviceIndex ?? 0;
      const card = n.NetworkCardIndex ?? 0;
      const key = `${card}/${deviceIndex}`;
      if (seen.has(key)) throw commonErrors.invalidParameterValue(`Each network interface requires a unique device index (${deviceIndex}).`);
      seen.add(key);
      if (n.AssociatePublicIpAddress !== undefined && nics.length > 1) {
        throw computeErrors.invalidParameterCombination("The associatePublicIPAddress parameter cannot be specified when launching with multiple network interfaces.");
      }
      if (n.NetworkInterfaceId) {
        if (input.MaxCount > 1) throw computeErrors.invalidParameterCombination("Network interface IDs can only be specified when launching a single instance.");
        if (n.SubnetId || n.Groups?.length || n.PrivateIpAddress || n.SecondaryPrivateIpAddressCount || n.AssociatePublicIpAddress !== undefined) {
          throw computeErrors.invalidParameterCombination("A network interface ID may not be specified together with subnet, groups, addresses or a public IP for that interface.");
        }
        const eni = n === nic0 ? existing0! : ownedEni(ctx, n.NetworkInterfaceId);
        if (eni.Attachment) throw computeErrors.networkInterfaceInUse(eni.NetworkInterfaceId, eni.Attachment.InstanceId);
        if (eni.AvailabilityZoneId !== zone.id) {
          throw computeErrors.invalidParameterCombination("You may not attach a network interface to an instance if they are not in the same availability zone");
        }
        if ((eni.PrivateIpAddresses ?? []).length + (eni.Ipv4Prefixes ?? []).length > limits.ipv4PerEni) throw computeErrors.privateIpLimitExceeded(eni.NetworkInterfaceId);
        plans.push({ deviceIndex, networkCardIndex: card, deleteOnTermination: n.DeleteOnTermination ?? false, existing: eni });
      } else {
        const nicSubnet = n === nic0 ? subnet : n.SubnetId ? visibleSubnet(ctx, n.SubnetId) : undefined;
        if (!nicSubnet) throw commonErrors.missingParameter(`NetworkInterface.${deviceIndex}.SubnetId`);
        if (nicSubnet.AvailabilityZoneId !== zone.id) {
          throw computeErrors.invalidParameterCombination("You may not attach a network interface to an instance if they are not in the same availability zone");
        }
        const spec: EniSpec = {
          subnet: nicSubnet,
          groupIds: n.Groups,
          description: n.Description,
          privateIpAddress: n.PrivateIpAddress,
          privateIpAddresses: n.PrivateIpAddresses,
          secondaryCount: n.SecondaryPrivateIpAddressCount,
          ipv6Count: n.Ipv6AddressCount,
          ipv6Addresses: n.Ipv6Addresses?.map((a) => a.Ipv6Address!).filter(Boolean),
          prefixCount: n.Ipv4PrefixCount,
          prefixes: n.Ipv4Prefixes?.map((p) => p.Ipv4Prefix!).filter(Boolean),
          interfaceType: n.InterfaceType,
          publicIp: n === nic0 ? (n.AssociatePublicIpAddress ?? (nics.length === 1 && nicSubnet.MapPublicIpOnLaunch === true)) : false,
          limits: { type, limits },
        };
        if ((spec.privateIpAddress || spec.privateIpAddresses?.length) && input.MaxCount > 1) {
          throw computeErrors.invalidParameterCombination("Cannot specify a private IP address when launching more than one instance.");
        }
        plans.push({ deviceIndex, networkCardIndex: card, deleteOnTermination: n.DeleteOnTermination ?? true, spec, groups: validateEniSpec(ctx, spec) });
      }
    }
  }
  // ENIs per network card (data: enisDefaultCard / enisPerCard).
  for (const card of new Set(plans.map((p) => p.networkCardIndex))) {
    if (card >= limits.networkCards) throw commonErrors.invalidParameterValue(`Network card index ${card} is not valid for instance type ${type}`);
    const n = plans.filter((p) => p.networkCardIndex === card).length;
    if (n > cardLimit(limits, card)) throw computeErrors.interfaceLimitExceeded(plans.length, type);
  }

  // --- block devices
  const rootDevice = "/dev/xvda";
  const devices: Array<{ device: string; plan: PlannedVolume; deleteOnTermination: boolean }> = [];
  const mappings = input.BlockDeviceMappings ?? [];
  const names = new Set<string>();
  for (const m of mappings) {
    if (!m.DeviceName) throw commonErrors.missingParameter("BlockDeviceMapping.DeviceName");
    if (names.has(m.DeviceName)) throw computeErrors.invalidBlockDeviceMapping(`The device '${m.DeviceName}' is used in more than one block-device mapping`);
    names.add(m.DeviceName);
    if (m.NoDevice !== undefined || m.VirtualName) continue;
    if (!m.Ebs) throw computeErrors.invalidBlockDeviceMapping(`The block device mapping for '${m.DeviceName}' has neither Ebs, NoDevice nor VirtualName`);
    const isRoot = m.DeviceName === rootDevice;
    const plan = planVolume(ctx, {
      Size: m.Ebs.VolumeSize ?? (isRoot && !m.Ebs.SnapshotId ? 8 : undefined),
      SnapshotId: m.Ebs.SnapshotId,
      VolumeType: m.Ebs.VolumeType,
      Iops: m.Ebs.Iops,
      Throughput: m.Ebs.Throughput,
      Encrypted: m.Ebs.Encrypted,
      KmsKeyId: m.Ebs.KmsKeyId,
    });
    devices.push({ device: m.DeviceName, plan, deleteOnTermination: m.Ebs.DeleteOnTermination ?? true });
  }
  if (!names.has(rootDevice)) devices.unshift({ device: rootDevice, plan: planVolume(ctx, { Size: 8, VolumeType: "gp2" }), deleteOnTermination: true });
  checkDryRun(input);

  // --- launch
  const reservationId = newResourceId("r");
  const launchTime = nowIso(ctx);
  const books = new Map<string, SubnetAddresses>();
  const bookFor = (s: SubnetDoc): SubnetAddresses => {
    let b = books.get(s.SubnetId);
    if (!b) {
      const v6 = (s.Ipv6CidrBlockAssociationSet ?? []).find((a) => a.Ipv6CidrBlockState?.State === "associated")?.Ipv6CidrBlock;
      b = new SubnetAddresses(ctx.store, s.SubnetId, s.CidrBlock, v6);
      books.set(s.SubnetId, b);
    }
    return b;
  };
  // Launch MaxCount if the addresses allow, else as many as possible but at least MinCount.
  const perInstance = plans.filter((p) => p.spec && p.spec.subnet.SubnetId === subnet.SubnetId).length;
  let count = input.MaxCount;
  if (perInstance > 0) {
    const free = Math.floor(bookFor(subnet).freeIpv4() / perInstance);
    if (free < input.MinCount) throw computeErrors.insufficientFreeAddresses(subnet.SubnetId);
    count = Math.min(count, free);
  }
  const tagSpecs = input.TagSpecifications ?? [];
  const instanceTags = tagSpecs.filter((s) => s.ResourceType === "instance");
  const volumeTags = tagSpecs.filter((s) => s.ResourceType === "volume");
  const eniTags = tagSpecs.filter((s) => s.ResourceType === "network-interface");
  const instances: InstanceDoc[] = [];
  for (let i = 0; i < count; i++) {
    const id = newResourceId("i");
    const doc: InstanceDoc = {
      AmiLaunchIndex: i,
      ImageId: input.ImageId,
      InstanceId: id,
      InstanceType: type as Instance["InstanceType"],
      LaunchTime: launchTime as unknown as Date,
      Monitoring: { State: input.Monitoring?.Enabled ? "enabled" : "disabled" },
      Placement: { AvailabilityZone: zone.name, AvailabilityZoneId: zone.id, GroupName: "", Tenancy: "default" },
      ProductCodes: [],
      State: state("running"),
      StateTransitionReason: "",
      Architecture: isGraviton(type) ? "arm64" : "x86_64",
      BlockDeviceMappings: [],
      ClientToken: input.ClientToken ?? "",
      EbsOptimized: input.EbsOptimized ?? false,
      EnaSupport: true,
      Hypervisor: "xen",
      RootDeviceName: rootDevice,
      RootDeviceType: "ebs",
      VirtualizationType: "hvm",
      PlatformDetails: "Linux/UNIX",
      UsageOperation: "RunInstances",
      UsageOperationUpdateTime: launchTime as unknown as Date,
      _cb: {
        reservationId,
        enis: [],
        userData: input.UserData,
        disableApiTermination: input.DisableApiTermination ?? false,
        shutdownBehavior: input.InstanceInitiatedShutdownBehavior ?? "stop",
      },
    };
    if (limits.vcpus !== undefined) doc.CpuOptions = { CoreCount: Math.max(1, Math.floor(limits.vcpus / 2)), ThreadsPerCore: limits.vcpus > 1 ? 2 : 1 };
    if (input.KeyName) doc.KeyName = input.KeyName;
    putResource(ctx.store, scope, INSTANCE, id, doc);
    for (const p of plans) {
      let eniId: string;
      if (p.existing) eniId = p.existing.NetworkInterfaceId;
      else {
        const eni = createEni(ctx, p.spec!, p.groups!, bookFor(p.spec!.subnet));
        eniId = eni.NetworkInterfaceId;
        applyTagSpecifications(ctx.store, scope, ENI, eniId, eniTags, ["instance", "volume"]);
      }
      attachEni(ctx, eniId, doc, { deviceIndex: p.deviceIndex, networkCardIndex: p.networkCardIndex, deleteOnTermination: p.deleteOnTermination }, false);
    }
    for (const d of devices) {
      const vol = createVolumeResource(ctx, d.plan, zone);
      applyTagSpecifications(ctx.store, scope, "volume", vol.VolumeId!, volumeTags, ["instance", "network-interface"]);
      linkVolume(ctx, vol.VolumeId!, id, d.device, d.deleteOnTermination);
    }
    applyTagSpecifications(ctx.store, scope, INSTANCE, id, instanceTags, ["volume", "network-interface"]);
    refreshInstanceNetwork(ctx, id);
    instances.push(getResource<InstanceDoc>(ctx.store, scope, INSTANCE, id, { owned: true })!);
  }
  const tags = tagsOf(ctx.store, instances.map((x) => x.InstanceId));
  return {
    ReservationId: reservationId,
    OwnerId: ctx.accountId,
    Groups: [],
    Instances: instances.map((x) => {
      const t = tags.get(x.InstanceId);
      return { ...instanceOutput(x, t), State: state("pending") };
    }),
  };
});

// ---------------------------------------------------------------------------------------------
// Output and Describe

/** The instance with the Elastic IPs of its interfaces applied (computed on read). */
const instanceWithElasticIps = (ctx: OperationContext, doc: InstanceDoc, eips: ReturnType<typeof eipsByEni>): InstanceDoc => {
  const ids = instanceEniIds(doc);
  if (!ids.some((id) => eips.has(id))) return doc;
  const enis = listResources<EniDoc>(ctx.store, scopeOf(ctx), ENI, { ids, includeShared: false }).map((e) => withElasticIps(ctx, e, eips));
  const fields = instanceNetworkFields(enis);
  return { ...doc, ...fields };
};

export const instanceOutput = (doc: InstanceDoc, tags?: Ec2Tag[]): Instance => {
  const out = visible(doc) as Instance;
  return tags && tags.length ? { ...out, Tags: tags } : out;
};

const nis = (i: Instance) => i.NetworkInterfaces ?? [];

const instanceFilters: FilterTable<InstanceDoc> = {
  "affinity": (i) => i.Placement?.Affinity,
  architecture: (i) => i.Architecture,
  "availability-zone": (i) => i.Placement?.AvailabilityZone,
  "availability-zone-id": (i) => i.Placement?.AvailabilityZoneId,
  "block-device-mapping.device-name": (i) => (i.BlockDeviceMappings ?? []).map((b) => b.DeviceName ?? ""),
  "block-device-mapping.volume-id": (i) => (i.BlockDeviceMappings ?? []).map((b) => b.Ebs?.VolumeId ?? ""),
  "block-device-mapping.status": (i) => (i.BlockDeviceMappings ?? []).map((b) => b.Ebs?.Status ?? ""),
  "block-device-mapping.delete-on-termination": (i) => (i.BlockDeviceMappings ?? []).map((b) => b.Ebs?.DeleteOnTermination ?? false),
  "client-token": (i) => i.ClientToken,
  "dns-name": (i) => i.PublicDnsName,
  "ebs-optimized": (i) => i.EbsOptimized,
  "ena-support": (i) => i.EnaSupport,
  hypervisor: (i) => i.Hypervisor,
  "image-id": (i) => i.ImageId,
  "instance-id": (i) => i.InstanceId,
  "instance-lifecycle": (i) => i.InstanceLifecycle,
  "instance-state-code": (i) => i.State?.Code,
  "instance-state-name": (i) => i.State?.Name,
  "instance-type": (i) => i.InstanceType,
  "instance.group-id": (i) => (i.SecurityGroups ?? []).map((g) => g.GroupId ?? ""),
  "instance.group-name": (i) => (i.SecurityGroups ?? []).map((g) => g.GroupName ?? ""),
  "ip-address": (i) => i.PublicIpAddress,
  "ipv6-address": (i) => nis(i).flatMap((n) => (n.Ipv6Addresses ?? []).map((a) => a.Ipv6Address ?? "")),
  "key-name": (i) => i.KeyName,
  "launch-index": (i) => i.AmiLaunchIndex,
  "launch-time": (i) => String(i.LaunchTime),
  "monitoring-state": (i) => i.Monitoring?.State,
  "network-interface.addresses.private-ip-address": (i) => nis(i).flatMap((n) => (n.PrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress ?? "")),
  "network-interface.addresses.primary": (i) => nis(i).flatMap((n) => (n.PrivateIpAddresses ?? []).map((p) => p.Primary ?? false)),
  "network-interface.addresses.association.public-ip": (i) => nis(i).flatMap((n) => (n.PrivateIpAddresses ?? []).map((p) => p.Association?.PublicIp ?? "")),
  "network-interface.association.public-ip": (i) => nis(i).map((n) => n.Association?.PublicIp ?? ""),
  "network-interface.attachment.attachment-id": (i) => nis(i).map((n) => n.Attachment?.AttachmentId ?? ""),
  "network-interface.attachment.device-index": (i) => nis(i).map((n) => n.Attachment?.DeviceIndex ?? -1),
  "network-interface.attachment.status": (i) => nis(i).map((n) => n.Attachment?.Status ?? ""),
  "network-interface.attachment.delete-on-termination": (i) => nis(i).map((n) => n.Attachment?.DeleteOnTermination ?? false),
  "network-interface.description": (i) => nis(i).map((n) => n.Description ?? ""),
  "network-interface.group-id": (i) => nis(i).flatMap((n) => (n.Groups ?? []).map((g) => g.GroupId ?? "")),
  "network-interface.group-name": (i) => nis(i).flatMap((n) => (n.Groups ?? []).map((g) => g.GroupName ?? "")),
  "network-interface.ipv6-addresses.ipv6-address": (i) => nis(i).flatMap((n) => (n.Ipv6Addresses ?? []).map((a) => a.Ipv6Address ?? "")),
  "network-interface.mac-address": (i) => nis(i).map((n) => n.MacAddress ?? ""),
  "network-interface.network-interface-id": (i) => nis(i).map((n) => n.NetworkInterfaceId ?? ""),
  "network-interface.owner-id": (i) => nis(i).map((n) => n.OwnerId ?? ""),
  "network-interface.private-dns-name": (i) => nis(i).map((n) => n.PrivateDnsName ?? ""),
  "network-interface.source-dest-check": (i) => nis(i).map((n) => n.SourceDestCheck ?? true),
  "network-interface.status": (i) => nis(i).map((n) => n.Status ?? ""),
  "network-interface.subnet-id": (i) => nis(i).map((n) => n.SubnetId ?? ""),
  "network-interface.vpc-id": (i) => nis(i).map((n) => n.VpcId ?? ""),
  "placement-group-name": (i) => i.Placement?.GroupName,
  "platform-details": (i) => i.PlatformDetails,
  "private-dns-name": (i) => i.PrivateDnsName,
  "private-ip-address": (i) => i.PrivateIpAddress,
  "product-code": (i) => (i.ProductCodes ?? []).map((p) => p.ProductCodeId ?? ""),
  "reservation-id": (i) => i._cb.reservationId,
  "root-device-name": (i) => i.RootDeviceName,
  "root-device-type": (i) => i.RootDeviceType,
  "source-dest-check": (i) => i.SourceDestCheck,
  "state-reason-code": (i) => i.StateReason?.Code,
  "state-reason-message": (i) => i.StateReason?.Message,
  "subnet-id": (i) => i.SubnetId,
  tenancy: (i) => i.Placement?.Tenancy,
  "virtualization-type": (i) => i.VirtualizationType,
  "vpc-id": (i) => i.VpcId,
};

export const describeInstances = defineOp("DescribeInstances", (input, ctx) => {
  const scope = scopeOf(ctx);
  const page = describeOwned<InstanceDoc>(
    ctx.store,
    scope,
    {
      type: INSTANCE,
      idOf: (i) => i.InstanceId,
      notFound: (id) => notFound(INSTANCE, id),
      // owner-id: the owner is always the caller (instances are never shared).
      filters: { ...instanceFilters, "owner-id": () => ctx.accountId },
      paging: { min: 5, max: 1000 },
    },
    { ids: input.InstanceIds, idsParameter: "instanceIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
    goneAt(ctx.clock.now()),
    (docs) => {
      const eips = eipsByEni(ctx);
      return eips.size ? docs.map((d) => instanceWithElasticIps(ctx, d, eips)) : docs;
    },
  );
  checkDryRun(input);
  // Group by reservation, in launch order.
  const reservations = new Map<string, Reservation>();
  for (const doc of page.items) {
    const rid = doc._cb.reservationId;
    let r = reservations.get(rid);
    if (!r) {
      r = { ReservationId: rid, OwnerId: ctx.accountId, Groups: [], Instances: [] };
      reservations.set(rid, r);
    }
    r.Instances!.push(instanceOutput(doc, doc.Tags));
  }
  return { Reservations: [...reservations.values()], NextToken: page.nextToken };
});

// ---------------------------------------------------------------------------------------------
// State changes

const ownedInstances = (ctx: OperationContext, ids: readonly string[] | undefined): InstanceDoc[] => {
  if (!ids?.length) throw commonErrors.missingParameter("InstanceIds");
  const scope = scopeOf(ctx);
  const gone = goneAt(ctx.clock.now());
  return ids.map((id) => {
    const d = getResource<InstanceDoc>(ctx.store, scope, INSTANCE, id, { owned: true });
    if (!d || gone(d)) throw notFound(INSTANCE, id);
    return d;
  });
};

const change = (id: string, previous: InstanceState, current: InstanceStateName): InstanceStateChange => ({
  InstanceId: id,
  CurrentState: state(current),
  PreviousState: previous,
});

const enisOf = (ctx: OperationContext, inst: InstanceDoc): EniDoc[] => {
  const ids = instanceEniIds(inst);
  return ids.length ? listResources<EniDoc>(ctx.store, scopeOf(ctx), ENI, { ids, includeShared: false }) : [];
};

/** Releases (stop) or assigns again (start) the automatic public IPv4 address of the primary ENI. */
const cyclePublicIp = (ctx: OperationContext, inst: InstanceDoc, assign: boolean): void => {
  const scope = scopeOf(ctx);
  for (const eni of enisOf(ctx, inst)) {
    if (!eni._cb?.autoPublicIp) continue;
    if (!assign && eni.Association?.PublicIp) {
      releasePublicIpv4(ctx.store, eni.Association.PublicIp);
      updateResource<EniDoc>(ctx.store, scope, ENI, eni.NetworkInterfaceId, (d) => {
        delete d.Association;
        for (const p of d.PrivateIpAddresses ?? []) delete p.Association;
      });
    } else if (assign && !eni.Association) {
      const ip = takePublicIpv4(ctx.store, eni.NetworkInterfaceId);
      const vpc = getResource<{ _attrs?: { enableDnsHostnames?: boolean } }>(ctx.store, scope, "vpc", eni.VpcId);
      const assoc = { IpOwnerId: "amazon", PublicDnsName: vpc?._attrs?.enableDnsHostnames ? publicDnsName(ctx.region, ip) : "", PublicIp: ip };
      updateResource<EniDoc>(ctx.store, scope, ENI, eni.NetworkInterfaceId, (d) => {
        d.Association = assoc;
        const primary = (d.PrivateIpAddresses ?? []).find((p) => p.Primary);
        if (primary) primary.Association = assoc;
      });
    }
  }
  refreshInstanceNetwork(ctx, inst.InstanceId);
};

const userReason = (ctx: OperationContext) => ({
  StateTransitionReason: `User initiated (${gmt(ctx)})`,
  StateReason: { Code: "Client.UserInitiatedShutdown", Message: "Client.UserInitiatedShutdown: User initiated shutdown" },
});

export const stopInstances = defineOp("StopInstances", (input, ctx) => {
  const list = ownedInstances(ctx, input.InstanceIds);
  for (const i of list) {
    const s = i.State?.Name;
    if (s === "terminated" || s === "shutting-down") throw computeErrors.incorrectInstanceState(i.InstanceId, "stopped");
  }
  checkDryRun(input);
  const out: InstanceStateChange[] = [];
  for (const i of list) {
    if (i.State?.Name === "stopped" || i.State?.Name === "stopping") {
      out.push(change(i.InstanceId, i.State, "stopped"));
      continue;
    }
    updateResource<InstanceDoc>(ctx.store, scopeOf(ctx), INSTANCE, i.InstanceId, (d) => ({ ...d, State: state("stopped"), ...userReason(ctx) }));
    cyclePublicIp(ctx, i, false);
    out.push(change(i.InstanceId, i.State!, "stopping"));
  }
  return { StoppingInstances: out };
});

export const startInstances = defineOp("StartInstances", (input, ctx) => {
  const list = ownedInstances(ctx, input.InstanceIds);
  for (const i of list) {
    const s = i.State?.Name;
    if (s === "terminated" || s === "shutting-down") throw computeErrors.incorrectInstanceState(i.InstanceId, "started");
  }
  checkDryRun(input);
  const out: InstanceStateChange[] = [];
  for (const i of list) {
    if (i.State?.Name === "running" || i.State?.Name === "pending") {
      out.push(change(i.InstanceId, i.State, "running"));
      continue;
    }
    updateResource<InstanceDoc>(ctx.store, scopeOf(ctx), INSTANCE, i.InstanceId, (d) => {
      const { StateReason: _r, ...rest } = d;
      return { ...rest, State: state("running"), StateTransitionReason: "" } as InstanceDoc;
    });
    cyclePublicIp(ctx, i, true);
    out.push(change(i.InstanceId, i.State!, "pending"));
  }
  return { StartingInstances: out };
});

export const rebootInstances = defineOp("RebootInstances", (input, ctx) => {
  const list = ownedInstances(ctx, input.InstanceIds);
  for (const i of list) if (i.State?.Name === "terminated") throw computeErrors.incorrectInstanceState(i.InstanceId, "rebooted");
  checkDryRun(input);
  return {};
});

/** Terminates one instance: ENIs and volumes with DeleteOnTermination go, the others are detached. */
const terminate = (ctx: OperationContext, inst: InstanceDoc): void => {
  const scope = scopeOf(ctx);
  for (const eni of enisOf(ctx, inst)) {
    if (eni.Attachment?.DeleteOnTermination) destroyEni(ctx, eni);
    else detachEni(ctx, eni, false);
  }
  for (const b of inst.BlockDeviceMappings ?? []) {
    const volumeId = b.Ebs?.VolumeId;
    if (!volumeId) continue;
    unlinkVolume(ctx, volumeId, inst.InstanceId);
    if (b.Ebs?.DeleteOnTermination) deleteResource(ctx.store, volumeId);
  }
  updateResource<InstanceDoc>(ctx.store, scope, INSTANCE, inst.InstanceId, (d) => {
    const next: InstanceDoc = {
      ...d,
      ...instanceNetworkFields([]),
      State: state("terminated"),
      ...userReason(ctx),
      PrivateDnsName: "",
      PublicDnsName: "",
      SecurityGroups: [],
      BlockDeviceMappings: [],
      _cb: { ...d._cb, enis: [], terminatedAt: ctx.clock.now() },
    };
    delete next.PrivateIpAddress;
    delete next.PublicIpAddress;
    delete next.SubnetId;
    delete next.VpcId;
    delete next.SourceDestCheck;
    delete next.Ipv6Address;
    return next;
  });
};

export const terminateInstances = defineOp("TerminateInstances", (input, ctx) => {
  const list = ownedInstances(ctx, input.InstanceIds);
  for (const i of list) {
    if (i._cb.disableApiTermination && i.State?.Name !== "terminated") {
      throw computeErrors.operationNotPermitted(`The instance '${i.InstanceId}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`);
    }
  }
  checkDryRun(input);
  const out: InstanceStateChange[] = [];
  for (const i of list) {
    if (i.State?.Name === "terminated") {
      out.push(change(i.InstanceId, i.State, "terminated"));
      continue;
    }
    terminate(ctx, i);
    out.push(change(i.InstanceId, i.State!, "shutting-down"));
  }
  return { TerminatingInstances: out };
});

// ---------------------------------------------------------------------------------------------
// DescribeInstanceStatus

const statusFilters: FilterTable<InstanceStatus> = {
  "availability-zone": (s) => s.AvailabilityZone,
  "availability-zone-id": (s) => s.AvailabilityZoneId,
  "instance-state-code": (s) => s.InstanceState?.Code,
  "instance-state-name": (s) => s.InstanceState?.Name,
  "instance-status.status": (s) => s.InstanceStatus?.Status,
  "instance-status.reachability": (s) => (s.InstanceStatus?.Details ?? []).map((d) => d.Status ?? ""),
  "system-status.status": (s) => s.SystemStatus?.Status,
  "system-status.reachability": (s) => (s.SystemStatus?.Details ?? []).map((d) => d.Status ?? ""),
};

export const describeInstanceStatus = defineOp("DescribeInstanceStatus", (input, ctx) => {
  const scope = scopeOf(ctx);
  const ids = input.InstanceIds ?? [];
  if (ids.length && input.MaxResults !== undefined) throw commonErrors.invalidParameterValue("The parameter instancesSet cannot be used with the parameter maxResults");
  const gone = goneAt(ctx.clock.now());
  const docs = ids.length ? ownedInstances(ctx, ids) : listResources<InstanceDoc>(ctx.store, scope, INSTANCE, { includeShared: false }).filter((d) => !gone(d));
  const statuses: InstanceStatus[] = docs
    .filter((d) => input.IncludeAllInstances || d.State?.Name === "running")
    .map((d) => {
      const running = d.State?.Name === "running";
      const detail = running ? { Status: "ok" as const, Details: [{ Name: "reachability" as const, Status: "passed" as const }] } : { Status: "not-applicable" as const };
      return {
        AvailabilityZone: d.Placement?.AvailabilityZone,
        AvailabilityZoneId: d.Placement?.AvailabilityZoneId,
        InstanceId: d.InstanceId,
        InstanceState: d.State,
        Events: [],
        InstanceStatus: detail,
        SystemStatus: detail,
      };
    });
  const matching = applyFilters(statuses, input.Filters, statusFilters);
  checkDryRun(input);
  const page = pageOf(matching, input.MaxResults, input.NextToken, { min: 5, max: 1000, pageAll: true });
  return { InstanceStatuses: page.items, NextToken: page.nextToken };
});

// ---------------------------------------------------------------------------------------------
// Attributes

const decodeBlob = (v: Uint8Array | string | undefined): string | undefined => {
  if (v === undefined) return undefined;
  // The ec2 codec hands blobs over as bytes; keep user data as the base64 text EC2 returns.
  return typeof v === "string" ? v : Buffer.from(v).toString("base64");
};

export const modifyInstanceAttribute = defineOp("ModifyInstanceAttribute", (input, ctx) => {
  const scope = scopeOf(ctx);
  if (!input.InstanceId) throw commonErrors.missingParameter("InstanceId");
  const [inst] = ownedInstances(ctx, [input.InstanceId]);
  const attr = input.Attribute;
  const value = input.Value;
  const newType = input.InstanceType?.Value ?? (attr === "instanceType" ? value : undefined);
  const userData = input.UserData?.Value !== undefined ? decodeBlob(input.UserData.Value as Uint8Array | string) : attr === "userData" ? value : undefined;
  const sdc = input.SourceDestCheck?.Value ?? (attr === "sourceDestCheck" && value !== undefined ? value === "true" : undefined);
  const dat = input.DisableApiTermination?.Value ?? (attr === "disableApiTermination" && value !== undefined ? value === "true" : undefined);
  const shutdown = input.InstanceInitiatedShutdownBehavior?.Value ?? (attr === "instanceInitiatedShutdownBehavior" ? value : undefined);
  const groupIds = input.Groups?.length ? input.Groups : attr === "groupSet" && value ? [value] : undefined;
  const stopped = inst.State?.Name === "stopped";
  if (inst.State?.Name === "terminated") throw computeErrors.incorrectInstanceState(inst.InstanceId, "modified");
  if (newType !== undefined) {
    const limits = instanceTypeLimits(newType);
    if (!limits) throw computeErrors.unknownInstanceTypeValue(newType);
    // "To change the instance type, the instance must be stopped" (ModifyInstanceAttribute).
    if (!stopped) throw computeErrors.incorrectInstanceState(inst.InstanceId, "modified", "stopped");
    checkTypeFits(ctx, inst, newType, limits);
  }
  if (userData !== undefined) {
    if (!stopped) throw computeErrors.incorrectInstanceState(inst.InstanceId, "modified", "stopped");
    validateUserData(userData);
  }
  if (shutdown !== undefined && shutdown !== "stop" && shutdown !== "terminate") {
    throw commonErrors.invalidParameterValue(`Value (${shutdown}) for parameter instanceInitiatedShutdownBehavior is invalid.`);
  }
  const primary = enisOf(ctx, inst).find((e) => e.Attachment?.DeviceIndex === 0);
  const groups = groupIds && primary ? resolveGroups(ctx, primary.VpcId, primary.SubnetId, groupIds) : undefined;
  if (
    newType === undefined &&
    userData === undefined &&
    sdc === undefined &&
    dat === undefined &&
    shutdown === undefined &&
    groups === undefined &&
    input.EbsOptimized?.Value === undefined &&
    input.EnaSupport?.Value === undefined
  ) {
    throw commonErrors.missingParameter("Attribute");
  }
  checkDryRun(input);
  if ((groups || sdc !== undefined) && primary) {
    updateResource<EniDoc>(ctx.store, scope, ENI, primary.NetworkInterfaceId, (d) => {
      if (groups) d.Groups = groups;
      if (sdc !== undefined) d.SourceDestCheck = sdc;
    });
    refreshInstanceNetwork(ctx, inst.InstanceId);
  }
  updateResource<InstanceDoc>(ctx.store, scope, INSTANCE, inst.InstanceId, (d) => {
    if (newType !== undefined) d.InstanceType = newType as Instance["InstanceType"];
    if (userData !== undefined) d._cb.userData = userData;
    if (dat !== undefined) d._cb.disableApiTermination = dat;
    if (shutdown !== undefined) d._cb.shutdownBehavior = shutdown;
    if (input.EbsOptimized?.Value !== undefined) d.EbsOptimized = input.EbsOptimized.Value;
    if (input.EnaSupport?.Value !== undefined) d.EnaSupport = input.EnaSupport.Value;
  });
  return {};
});

/** A new instance type must hold the instance's current interfaces and addresses. */
const checkTypeFits = (ctx: OperationContext, inst: InstanceDoc, type: string, limits: InstanceTypeLimits): void => {
  const enis = enisOf(ctx, inst);
  for (let card = 0; card < Math.max(1, limits.networkCards); card++) {
    const n = enis.filter((e) => (e.Attachment?.NetworkCardIndex ?? 0) === card).length;
    if (n > cardLimit(limits, card)) throw computeErrors.interfaceLimitExceeded(enis.length, type);
  }
  for (const e of enis) {
    if ((e.PrivateIpAddresses ?? []).length + (e.Ipv4Prefixes ?? []).length > limits.ipv4PerEni) throw computeErrors.privateIpLimitExceeded(e.NetworkInterfaceId);
  }
};

export const describeInstanceAttribute = defineOp("DescribeInstanceAttribute", (input, ctx) => {
  if (!input.InstanceId) throw commonErrors.missingParameter("InstanceId");
  const [inst] = ownedInstances(ctx, [input.InstanceId]);
  checkDryRun(input);
  const out = { InstanceId: inst.InstanceId };
  switch (input.Attribute) {
    case "instanceType":
      return { ...out, InstanceType: { Value: inst.InstanceType } };
    case "userData":
      return { ...out, UserData: inst._cb.userData !== undefined ? { Value: inst._cb.userData } : {} };
    case "disableApiTermination":
      return { ...out, DisableApiTermination: { Value: inst._cb.disableApiTermination ?? false } };
    case "disableApiStop":
      return { ...out, DisableApiStop: { Value: false } };
    case "instanceInitiatedShutdownBehavior":
      return { ...out, InstanceInitiatedShutdownBehavior: { Value: inst._cb.shutdownBehavior ?? "stop" } };
    case "rootDeviceName":
      return { ...out, RootDeviceName: { Value: inst.RootDeviceName } };
    case "blockDeviceMapping":
      return { ...out, BlockDeviceMappings: inst.BlockDeviceMappings ?? [] };
    case "productCodes":
      return { ...out, ProductCodes: [] };
    case "sourceDestCheck":
      return { ...out, SourceDestCheck: { Value: inst.SourceDestCheck ?? true } };
    case "groupSet":
      return { ...out, Groups: inst.SecurityGroups ?? [] };
    case "ebsOptimized":
      return { ...out, EbsOptimized: { Value: inst.EbsOptimized ?? false } };
    case "enaSupport":
      return { ...out, EnaSupport: { Value: inst.EnaSupport ?? true } };
    case "kernel":
      return { ...out, KernelId: {} };
    case "ramdisk":
      return { ...out, RamdiskId: {} };
    case "sriovNetSupport":
      return { ...out, SriovNetSupport: {} };
    case undefined:
      throw commonErrors.missingParameter("Attribute");
    default:
      throw commonErrors.invalidParameterValue(`Value (${String(input.Attribute)}) for parameter attribute is invalid. Unknown attribute.`);
  }
});

export const instanceOperations = [
  runInstances,
  describeInstances,
  describeInstanceStatus,
  stopInstances,
  startInstances,
  rebootInstances,
  terminateInstances,
  modifyInstanceAttribute,
  describeInstanceAttribute,
];
