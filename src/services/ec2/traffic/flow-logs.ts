/**
 * VPC flow log records for the traffic Cloudbox evaluates (probes), buffered per flow log in
 * aggregation windows and delivered to CloudWatch Logs or Amazon S3 through the in-memory SDK
 * clients (architecture rule 3: never into another service's tables).
 *
 * What AWS does and we reproduce (VPC User Guide, "Flow log records"
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html, "Flow log record
 * examples" .../flow-logs-records-examples.html, "Publish flow logs to CloudWatch Logs"
 * .../flow-logs-cwl.html, "Flow log files" .../flow-logs-s3-path.html):
 * - a record is per network interface and per direction of a 5-tuple within an aggregation
 *   interval; a connection therefore writes, on each end's interface, one record for the request
 *   and one for the reply (the flow-direction field says ingress or egress);
 * - the action is the one at that interface: traffic refused by the destination's security group
 *   or subnet ACL is REJECT on the destination's record while the source's outgoing record says
 *   ACCEPT (it did leave); a reply refused by a stateless ACL is REJECT where the ACL sits;
 * - TrafficType ACCEPT/REJECT/ALL filters records; flow logs of the interface, its subnet and its
 *   VPC all receive them;
 * - version is 2 for the default format, else the highest version among the custom fields;
 *   fields that do not apply are '-' ("If a field is not applicable or could not be computed for
 *   a specific record, the record displays a '-' symbol for that entry");
 * - tcp-flags are OR-ed per record and only SYN (2), SYN-ACK (18), FIN (1) and RST (4) are
 *   logged: a whole short connection is 3 (SYN+FIN) one way and 19 (SYN-ACK+FIN) the other;
 * - traffic-path (egress records only): 1 same VPC (local, NAT gateway, transit gateway ENI),
 *   4 intra-Region peering, 5 inter-Region peering, 7 gateway VPC endpoint, 8 internet gateway
 *   (the Nitro values); '-' on ingress records;
 * - CloudWatch Logs: one log stream per interface named "<eni-id>-all" in the flow log's group,
 *   created when needed; each record is one event;
 * - S3: gzipped text objects at <bucket>/<prefix>/AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/
 *   <account>_vpcflowlogs_<region>_<flow-log-id>_<yyyymmddTHHmmZ>_<hash>.log.gz (Hive-compatible
 *   and per-hour layouts when the flow log asks for them), first line the field names.
 * DEVIATION: aggregation windows are aligned on multiples of MaxAggregationInterval of the
 * Cloudbox clock and delivered when the window ends (AWS delivers "within about 5/10 minutes");
 * records of NAT gateway, transit gateway and other intermediate interfaces are not written (only
 * the two ends of the connection); sublocation and pkt-*-aws-service fields are '-'; Parquet is
 * written as text; kinesis-data-firehose destinations are not delivered.
 * DEVIATION: open windows live in memory (per runtime): they are delivered on stop and on flush,
 * but a crash loses them, and a state reset does not discard them.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { ServiceRuntime, StorePort } from "../../../core/index.js";
import type { FlowResult, PacketHeader, PathComponent } from "../../../engines/reachability/index.js";
import { listResources } from "../foundation/index.js";
import type { NetworkIndex } from "./components.js";
import { networkVersion, resourceScopes } from "./store.js";

/** Fixed bytes per packet of a probe (records say packets × this). */
export const PACKET_BYTES = 64;

const FIELD_VERSIONS: Readonly<Record<string, number>> = {
  version: 2, "account-id": 2, "interface-id": 2, srcaddr: 2, dstaddr: 2, srcport: 2, dstport: 2, protocol: 2,
  packets: 2, bytes: 2, start: 2, end: 2, action: 2, "log-status": 2,
  "vpc-id": 3, "subnet-id": 3, "instance-id": 3, "tcp-flags": 3, type: 3, "pkt-srcaddr": 3, "pkt-dstaddr": 3,
  region: 4, "az-id": 4, "sublocation-type": 4, "sublocation-id": 4,
  "pkt-src-aws-service": 5, "pkt-dst-aws-service": 5, "flow-direction": 5, "traffic-path": 5,
};
const DEFAULT_FIELDS = Object.keys(FIELD_VERSIONS).filter((k) => FIELD_VERSIONS[k] === 2);

export interface FlowLogConfig {
  FlowLogId: string;
  ResourceId: string;
  TrafficType?: string;
  LogDestinationType?: string;
  LogDestination?: string;
  LogGroupName?: string;
  LogFormat?: string;
  MaxAggregationInterval?: number;
  DestinationOptions?: { FileFormat?: string; HiveCompatiblePartitions?: boolean; PerHourPartition?: boolean };
  /** Owner scope (added when read). */
  accountId: string;
  region: string;
  fields: string[];
  isDefaultFormat: boolean;
  /** The version field's value (computed once). */
  version?: number;
}

export const fieldsOf = (format: string | undefined): { fields: string[]; isDefault: boolean } => {
  const fields = (format ?? "")
    .trim()
    .split(/\s+/)
    .map((t) => /^\$\{([a-z0-9-]+)\}$/.exec(t)?.[1])
    .filter((f): f is string => !!f);
  if (fields.length === 0) return { fields: DEFAULT_FIELDS, isDefault: true };
  return { fields, isDefault: fields.join(" ") === DEFAULT_FIELDS.join(" ") };
};

/** One record before formatting (the values of every available field). */
export interface FlowRecord {
  interfaceId: string;
  accountId: string;
  vpcId?: string;
  subnetId?: string;
  instanceId?: string;
  azId?: string;
  region?: string;
  srcaddr: string;
  dstaddr: string;
  srcport?: number;
  dstport?: number;
  protocol: number;
  packets: number;
  bytes: number;
  start: number;
  end: number;
  action: "ACCEPT" | "REJECT";
  tcpFlags: number;
  type: "IPv4" | "IPv6";
  direction: "ingress" | "egress";
  trafficPath?: number;
}

/** The version field's value: 2 for the default format, else the highest version among the fields. */
export const versionOf = (fields: readonly string[], isDefault: boolean): number => (isDefault ? 2 : Math.max(2, ...fields.map((f) => FIELD_VERSIONS[f] ?? 2)));

export const formatRecord = (r: FlowRecord, fields: readonly string[], isDefault: boolean, version = versionOf(fields, isDefault)): string => {
  const v = (f: string): string | number | undefined => {
    switch (f) {
      case "version": return version;
      case "account-id": return r.accountId;
      case "interface-id": return r.interfaceId;
      case "srcaddr": case "pkt-srcaddr": return r.srcaddr;
      case "dstaddr": case "pkt-dstaddr": return r.dstaddr;
      case "srcport": return r.srcport ?? 0;
      case "dstport": return r.dstport ?? 0;
      case "protocol": return r.protocol;
      case "packets": return r.packets;
      case "bytes": return r.bytes;
      case "start": return r.start;
      case "end": return r.end;
      case "action": return r.action;
      case "log-status": return "OK";
      case "vpc-id": return r.vpcId;
      case "subnet-id": return r.subnetId;
      case "instance-id": return r.instanceId;
      case "tcp-flags": return r.tcpFlags;
      case "type": return r.type;
      case "region": return r.region;
      case "az-id": return r.azId;
      case "flow-direction": return r.direction;
      case "traffic-path": return r.direction === "egress" ? r.trafficPath : undefined;
      default: return undefined;
    }
  };
  return fields.map((f) => { const x = v(f); return x === undefined || x === "" ? "-" : String(x); }).join(" ");
};

// ---------------------------------------------------------------------------------------------
// Which interfaces saw what

const TCP = 6;
const SYN = 2;
const FIN = 1;
const SYN_ACK = 18;

interface Side {
  eniId: string;
  acl?: string;
  sgs: readonly string[];
}

const sideOf = (ix: NetworkIndex, eniId: string | undefined): Side | undefined => {
  if (!eniId) return undefined;
  const eni = ix.enis.get(eniId);
  if (!eni) return undefined;
  const subnet = ix.subnets.get(eni.subnetId);
  let acl = subnet?.networkAclId;
  if (!acl && subnet) acl = ix.defaultAcl.get(subnet.vpcId);
  return { eniId, acl, sgs: eni.securityGroupIds };
};

const trafficPathOf = (ix: NetworkIndex, hops: readonly PathComponent[]): number | undefined => {
  const r = hops.find((h) => h.routeTableRoute)?.routeTableRoute?.route;
  if (!r) return undefined;
  if (r.gatewayId?.startsWith("igw-") || r.egressOnlyInternetGatewayId) return 8;
  if (r.gatewayId?.startsWith("vpce-")) return 7;
  if (r.vpcPeeringConnectionId) {
    const pcx = ix.peerings.get(r.vpcPeeringConnectionId);
    const a = pcx ? ix.vpcs.get(pcx.requesterVpcId)?.region : undefined;
    const b = pcx ? ix.vpcs.get(pcx.accepterVpcId)?.region : undefined;
    return a && b && a !== b ? 5 : 4;
  }
  return 1;
};

const protoNum = (p: PacketHeader | undefined): number => p?.protocol ?? 0;
const swap = (p: PacketHeader): PacketHeader => ({
  protocol: p.protocol,
  sourceAddress: p.destinationAddress,
  destinationAddress: p.sourceAddress,
  sourcePort: p.destinationPort,
  destinationPort: p.sourcePort,
});

/** The packet as a hop list saw it at an interface (first/last hop naming it), else a fallback. */
const packetAt = (hops: readonly PathComponent[], eniId: string, which: "first" | "last", fallback: PacketHeader): PacketHeader => {
  const matching = hops.filter((h) => h.componentId === eniId);
  const h = which === "first" ? matching[0] : matching[matching.length - 1];
  return h?.packet ?? fallback;
};

export interface InterfaceRecordSpec {
  eniId: string;
  packet: PacketHeader;
  direction: "ingress" | "egress";
  action: "ACCEPT" | "REJECT";
  request: boolean;
  trafficPath?: number;
}

/**
 * The per-interface records of one evaluated connection: the source's request (egress) and reply
 * (ingress), the destination's request (ingress) and reply (egress), each with the action at that
 * interface, for the interfaces the traffic reached.
 */
export const interfaceRecords = (ix: NetworkIndex, result: FlowResult): InterfaceRecordSpec[] => {
  const first = result.packet;
  if (!first) return [];
  const fwd = result.forwardPath;
  const ret = result.returnPath;
  const srcEni = fwd[0]?.componentType === "network-interface" ? fwd[0].componentId : undefined;
  const lastFwd = fwd[fwd.length - 1];
  const dstEniHop = [...fwd].reverse().find((h) => h.componentType === "network-interface" && h.componentId !== srcEni && h.direction !== "egress");
  const blocked = result.blockedAt;
  // The destination interface when the request was refused at its subnet ACL or security group.
  const blockedDstEni = (() => {
    if (!blocked || blocked.path !== "forward") return undefined;
    if (blocked.componentType === "network-interface" && blocked.componentId !== srcEni) return blocked.componentId;
    const candidate = lastFwd && lastFwd.componentType === "network-interface" && lastFwd.componentId !== srcEni ? lastFwd.componentId : undefined;
    if (candidate) return candidate;
    // The engine stops before the destination interface: find the interface that owns the destination address.
    const src = srcEni ? ix.enis.get(srcEni) : undefined;
    return ix.eniByAddress(first.destinationAddress, src)?.id;
  })();
  const src = sideOf(ix, srcEni);
  const dst = sideOf(ix, result.verdict === "ACCEPT" || blocked?.path === "return" ? dstEniHop?.componentId : blockedDstEni);
  const out: InterfaceRecordSpec[] = [];
  const fwdPath = trafficPathOf(ix, fwd);
  const retPath = trafficPathOf(ix, ret);
  const atSrc = (id: string, dir: "ingress" | "egress") =>
    !!src && ((blocked?.componentType === "security-group" && src.sgs.includes(id) && blocked.direction === dir) ||
      (blocked?.componentType === "network-acl" && id === src.acl && blocked.direction === dir) ||
      (blocked?.componentType === "network-interface" && id === src.eniId));
  const atDst = (id: string, dir: "ingress" | "egress") =>
    !!dst && ((blocked?.componentType === "security-group" && dst.sgs.includes(id) && blocked.direction === dir) ||
      (blocked?.componentType === "network-acl" && id === dst.acl && blocked.direction === dir) ||
      (blocked?.componentType === "network-interface" && id === dst.eniId));

  if (!blocked) {
    if (src) out.push({ eniId: src.eniId, packet: first, direction: "egress", action: "ACCEPT", request: true, trafficPath: fwdPath });
    if (dst) {
      const inPkt = packetAt(fwd, dst.eniId, "last", lastFwd?.packet ?? first);
      out.push({ eniId: dst.eniId, packet: inPkt, direction: "ingress", action: "ACCEPT", request: true });
      out.push({ eniId: dst.eniId, packet: packetAt(ret, dst.eniId, "first", ret[0]?.packet ?? swap(inPkt)), direction: "egress", action: "ACCEPT", request: false, trafficPath: retPath });
    }
    if (src) out.push({ eniId: src.eniId, packet: packetAt(ret, src.eniId, "last", ret[ret.length - 1]?.packet ?? swap(first)), direction: "ingress", action: "ACCEPT", request: false });
    return out;
  }
  const blockedPacket = result.explanations[0]?.packet;
  if (blocked.path === "forward") {
    if (src) {
      const refusedHere = atSrc(blocked.componentId, "egress");
      out.push({ eniId: src.eniId, packet: first, direction: "egress", action: refusedHere ? "REJECT" : "ACCEPT", request: true, trafficPath: fwdPath });
      if (refusedHere) return out;
    }
    if (dst && atDst(blocked.componentId, "ingress")) {
      out.push({ eniId: dst.eniId, packet: blockedPacket ?? lastFwd?.packet ?? first, direction: "ingress", action: "REJECT", request: true });
    }
    return out;
  }
  // The reply was refused: the request went through on both ends.
  if (src) out.push({ eniId: src.eniId, packet: first, direction: "egress", action: "ACCEPT", request: true, trafficPath: fwdPath });
  if (dst) {
    const inPkt = packetAt(fwd, dst.eniId, "last", lastFwd?.packet ?? first);
    out.push({ eniId: dst.eniId, packet: inPkt, direction: "ingress", action: "ACCEPT", request: true });
    const refusedHere = atDst(blocked.componentId, "egress");
    out.push({ eniId: dst.eniId, packet: packetAt(ret, dst.eniId, "first", swap(inPkt)), direction: "egress", action: refusedHere ? "REJECT" : "ACCEPT", request: false, trafficPath: retPath });
    if (refusedHere) return out;
  }
  if (src && atSrc(blocked.componentId, "ingress")) {
    out.push({ eniId: src.eniId, packet: blockedPacket ?? swap(first), direction: "ingress", action: "REJECT", request: false });
  }
  return out;
};

/** Full records for an evaluated connection at time `nowMs`. */
export const recordsOf = (ix: NetworkIndex, result: FlowResult, nowMs: number, packets: number): FlowRecord[] => {
  const t = Math.floor(nowMs / 1000);
  return interfaceRecords(ix, result).map((s) => {
    const eni = ix.enis.get(s.eniId)!;
    const subnet = ix.subnets.get(eni.subnetId);
    const tcp = protoNum(s.packet) === TCP;
    const completed = s.action === "ACCEPT" && result.verdict === "ACCEPT";
    const flags = !tcp ? 0 : s.request ? (completed ? SYN | FIN : SYN) : completed ? SYN_ACK | FIN : SYN_ACK;
    return {
      interfaceId: s.eniId,
      accountId: eni.accountId ?? "-",
      vpcId: subnet?.vpcId,
      subnetId: eni.subnetId,
      instanceId: eni.attachment?.instanceId,
      azId: subnet?.availabilityZoneId,
      region: eni.region,
      srcaddr: s.packet.sourceAddress,
      dstaddr: s.packet.destinationAddress,
      srcport: s.packet.sourcePort,
      dstport: s.packet.destinationPort,
      protocol: s.packet.protocol,
      packets,
      bytes: packets * PACKET_BYTES,
      start: t,
      end: t,
      action: s.action,
      tcpFlags: flags,
      type: s.packet.sourceAddress.includes(":") ? "IPv6" : "IPv4",
      direction: s.direction,
      ...(s.trafficPath !== undefined ? { trafficPath: s.trafficPath } : {}),
    };
  });
};

// ---------------------------------------------------------------------------------------------
// Flow logs, buffers, delivery

const flowLogCache = new WeakMap<StorePort, { version: string; byResource: Map<string, FlowLogConfig[]> }>();

/** Flow logs by the resource they watch (ENI, subnet or VPC), every account; cached per network version. */
export const flowLogsByResource = (store: StorePort): Map<string, FlowLogConfig[]> => {
  const version = networkVersion(store);
  const hit = flowLogCache.get(store);
  if (hit && hit.version === version) return hit.byResource;
  const byResource = new Map<string, FlowLogConfig[]>();
  for (const scope of resourceScopes(store)) {
    for (const f of listResources<Omit<FlowLogConfig, "accountId" | "region" | "fields" | "isDefaultFormat">>(store, scope, "vpc-flow-log", { includeShared: false })) {
      const { fields, isDefault } = fieldsOf(f.LogFormat);
      const cfg: FlowLogConfig = { ...f, accountId: scope.accountId, region: scope.region, fields, isDefaultFormat: isDefault };
      const list = byResource.get(f.ResourceId) ?? [];
      list.push(cfg);
      byResource.set(f.ResourceId, list);
    }
  }
  flowLogCache.set(store, { version, byResource });
  return byResource;
};

interface WindowBuffer {
  config: FlowLogConfig;
  windowEnd: number;
  records: Map<string, FlowRecord>;
  cancel?: () => void;
}

export interface WrittenRecord {
  flowLogId: string;
  interfaceId: string;
  action: string;
  line: string;
  /** When the record's aggregation window closes and it is delivered (ms, Cloudbox clock). */
  deliverAt: number;
}

/** The per-runtime flow log writer: buffers by flow log, delivers at window end, flushes on demand. */
export class FlowLogWriter {
  private readonly buffers = new Map<string, WindowBuffer>();
  private readonly inflight = new Set<Promise<unknown>>();
  delivered = 0;

  /** `lookup` defaults to the store's flow logs (a bench may pass its own). */
  constructor(
    private readonly runtime: Pick<ServiceRuntime, "store" | "clock" | "log" | "sdkConfig">,
    private readonly lookup: () => Map<string, FlowLogConfig[]> = () => flowLogsByResource(runtime.store),
  ) {}

  /** Buffers the records into every matching flow log; returns what was written. */
  write(records: readonly FlowRecord[], nowMs: number): WrittenRecord[] {
    if (records.length === 0) return [];
    const logs = this.lookup();
    if (logs.size === 0) return [];
    const written: WrittenRecord[] = [];
    for (const r of records) {
      for (const list of [logs.get(r.interfaceId), r.subnetId ? logs.get(r.subnetId) : undefined, r.vpcId ? logs.get(r.vpcId) : undefined]) {
       if (!list) continue;
       for (const fl of list) {
        if (fl.TrafficType && fl.TrafficType !== "ALL" && fl.TrafficType !== r.action) continue;
        const b = this.bufferFor(fl, nowMs);
        const key = `${r.interfaceId}|${r.srcaddr}|${r.dstaddr}|${r.srcport}|${r.dstport}|${r.protocol}|${r.action}|${r.direction}`;
        const prev = b.records.get(key);
        const merged = prev
          ? { ...prev, packets: prev.packets + r.packets, bytes: prev.bytes + r.bytes, start: Math.min(prev.start, r.start), end: Math.max(prev.end, r.end), tcpFlags: prev.tcpFlags | r.tcpFlags }
          : r;
        b.records.set(key, merged);
        fl.version ??= versionOf(fl.fields, fl.isDefaultFormat);
        written.push({ flowLogId: fl.FlowLogId, interfaceId: r.interfaceId, action: r.action, line: formatRecord(r, fl.fields, fl.isDefaultFormat, fl.version), deliverAt: b.windowEnd });
       }
      }
    }
    return written;
  }

  private bufferFor(fl: FlowLogConfig, nowMs: number): WindowBuffer {
    const intervalMs = (fl.MaxAggregationInterval ?? 600) * 1000;
    let b = this.buffers.get(fl.FlowLogId);
    if (b && nowMs >= b.windowEnd) {
      // The window is over (its timer has not fired yet): deliver it and open a new one.
      this.deliverBuffer(b);
      b = undefined;
    }
    if (!b) {
      const windowEnd = (Math.floor(nowMs / intervalMs) + 1) * intervalMs;
      const nb: WindowBuffer = { config: fl, windowEnd, records: new Map() };
      nb.cancel = this.runtime.clock.schedule(windowEnd, () => {
        if (this.buffers.get(fl.FlowLogId) === nb) this.deliverBuffer(nb);
      });
      this.buffers.set(fl.FlowLogId, nb);
      b = nb;
    }
    return b;
  }

  private deliverBuffer(b: WindowBuffer): void {
    b.cancel?.();
    if (this.buffers.get(b.config.FlowLogId) === b) this.buffers.delete(b.config.FlowLogId);
    if (b.records.size === 0) return;
    const p = deliver(this.runtime, b.config, [...b.records.values()], b.windowEnd)
      .then((n) => {
        this.delivered += n;
      })
      .catch((e: unknown) => this.runtime.log.warn(`flow log ${b.config.FlowLogId}: delivery failed: ${(e as Error).message}`))
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  /** Delivers every buffered window now (POST /_cloudbox/flow-logs/flush, stop). Returns records delivered. */
  async flush(): Promise<{ flowLogs: number; records: number }> {
    const before = this.delivered;
    const buffers = [...this.buffers.values()];
    for (const b of buffers) this.deliverBuffer(b);
    while (this.inflight.size) await Promise.all([...this.inflight]);
    return { flowLogs: buffers.length, records: this.delivered - before };
  }

  /** Records waiting per flow log (for diagnostics). */
  pending(): Record<string, number> {
    return Object.fromEntries([...this.buffers].map(([id, b]) => [id, b.records.size]));
  }
}

const writers = new WeakMap<ServiceRuntime, FlowLogWriter>();
export const writerOf = (runtime: ServiceRuntime): FlowLogWriter => {
  let w = writers.get(runtime);
  if (!w) {
    w = new FlowLogWriter(runtime);
    writers.set(runtime, w);
  }
  return w;
};
export const existingWriter = (runtime: ServiceRuntime): FlowLogWriter | undefined => writers.get(runtime);

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** The S3 key AWS uses for a flow log file (flow-logs-s3-path.html). */
export const s3KeyOf = (fl: FlowLogConfig, prefix: string, atMs: number, body: Buffer | Uint8Array): string => {
  const d = new Date(atMs);
  const [y, m, day, h, min] = [d.getUTCFullYear(), pad(d.getUTCMonth() + 1), pad(d.getUTCDate()), pad(d.getUTCHours()), pad(d.getUTCMinutes())];
  const hive = fl.DestinationOptions?.HiveCompatiblePartitions;
  const hourly = fl.DestinationOptions?.PerHourPartition;
  const folder = hive
    ? `AWSLogs/aws-account-id=${fl.accountId}/aws-service=vpcflowlogs/aws-region=${fl.region}/year=${y}/month=${m}/day=${day}/${hourly ? `hour=${h}/` : ""}`
    : `AWSLogs/${fl.accountId}/vpcflowlogs/${fl.region}/${y}/${m}/${day}/${hourly ? `${h}/` : ""}`;
  const hash = createHash("sha256").update(body).update(String(atMs)).digest("hex").slice(0, 8);
  return `${prefix}${folder}${fl.accountId}_vpcflowlogs_${fl.region}_${fl.FlowLogId}_${y}${m}${day}T${h}${min}Z_${hash}.log.gz`;
};

const errorName = (e: unknown): string => (e as { name?: string }).name ?? "";

/** Sends one window's records to the flow log's destination; returns the number delivered. */
export const deliver = async (runtime: Pick<ServiceRuntime, "log" | "sdkConfig">, fl: FlowLogConfig, records: FlowRecord[], windowEndMs: number): Promise<number> => {
  records.sort((a, b) => a.start - b.start);
  const config = runtime.sdkConfig({ accountId: fl.accountId, region: fl.region });
  if ((fl.LogDestinationType ?? "cloud-watch-logs") === "cloud-watch-logs") {
    const { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } = await import("@aws-sdk/client-cloudwatch-logs");
    const arnRegion = fl.LogDestination?.startsWith("arn:") ? fl.LogDestination.split(":")[3] : undefined;
    const client = new CloudWatchLogsClient({ ...config, ...(arnRegion ? { region: arnRegion } : {}) } as never);
    const group = fl.LogGroupName!;
    try {
      await client.send(new CreateLogGroupCommand({ logGroupName: group }));
    } catch (e) {
      if (errorName(e) !== "ResourceAlreadyExistsException") throw e;
    }
    const byEni = new Map<string, FlowRecord[]>();
    for (const r of records) byEni.set(r.interfaceId, [...(byEni.get(r.interfaceId) ?? []), r]);
    for (const [eni, list] of byEni) {
      const stream = `${eni}-all`;
      try {
        await client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
      } catch (e) {
        if (errorName(e) !== "ResourceAlreadyExistsException") throw e;
      }
      await client.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: stream,
          logEvents: list.map((r) => ({ timestamp: r.start * 1000, message: formatRecord(r, fl.fields, fl.isDefaultFormat) })),
        }),
      );
    }
    client.destroy();
    return records.length;
  }
  if (fl.LogDestinationType === "s3") {
    const m = /^arn:[a-z-]+:s3:::([^/]+)(?:\/(.*))?$/.exec(fl.LogDestination ?? "");
    if (!m) throw new Error(`not an S3 bucket ARN: ${fl.LogDestination}`);
    const bucket = m[1];
    const prefix = m[2] ? (m[2].endsWith("/") ? m[2] : `${m[2]}/`) : "";
    const text = [fl.fields.join(" "), ...records.map((r) => formatRecord(r, fl.fields, fl.isDefaultFormat))].join("\n") + "\n";
    const body = gzipSync(Buffer.from(text, "utf8"));
    const { S3Client, PutObjectCommand } = await import("@aws-sdk/client-s3");
    const client = new S3Client({ ...config, forcePathStyle: true } as never);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: s3KeyOf(fl, prefix, windowEndMs, body), Body: body, ContentType: "application/x-gzip" }));
    client.destroy();
    return records.length;
  }
  runtime.log.warn(`flow log ${fl.FlowLogId}: destination type ${fl.LogDestinationType} is not delivered by Cloudbox`);
  return 0;
};
