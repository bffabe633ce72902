/**
 * VPC flow logs for the traffic Cloudbox evaluates (probes): the records (computed in
 * flow-records.ts) formatted per flow log, buffered in aggregation windows and delivered to
 * CloudWatch Logs or Amazon S3 through the in-memory SDK clients (architecture rule 3: never into
 * another service's tables).
 *
 * What AWS does and we reproduce (VPC User Guide, "Flow log records"
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html, "Publish flow logs to
 * CloudWatch Logs" .../flow-logs-cwl.html, "Flow log files" .../flow-logs-s3-path.html):
 * - TrafficType ACCEPT/REJECT/ALL filters records; flow logs of the interface, its subnet and its
 *   VPC all receive them;
 * - version is 2 for the default format, else the highest version among the custom fields;
 *   fields that do not apply are '-' ("If a field is not applicable or could not be computed for
 *   a specific record, the record displays a '-' symbol for that entry"); traffic-path is '-' on
 *   ingress records;
 * - records of one interface, packet 5-tuple, direction, action (and traffic path) are
 *   aggregated within a window (packets, bytes and tcp-flags add up);
 * - CloudWatch Logs: one log stream per interface named "<eni-id>-all" in the flow log's group,
 *   created when needed; each record is one event;
 * - S3: gzipped text objects at <bucket>/<prefix>/AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/
 *   <account>_vpcflowlogs_<region>_<flow-log-id>_<yyyymmddTHHmmZ>_<hash>.log.gz (Hive-compatible
 *   and per-hour layouts when the flow log asks for them), first line the field names.
 * DEVIATION: aggregation windows are aligned on multiples of MaxAggregationInterval of the
 * Cloudbox clock and delivered when the window ends (AWS delivers "within about 5/10 minutes");
 * sublocation and pkt-*-aws-service fields are '-'; Parquet is written as text;
 * kinesis-data-firehose destinations are not delivered.
 * DEVIATION: open windows live in memory (per runtime): they are delivered on stop and on flush,
 * but a crash loses them, and a state reset does not discard them.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { ServiceRuntime, StorePort } from "../../../core/index.js";
import { listResources } from "../foundation/index.js";
import type { FlowRecord } from "./flow-records.js";
import { networkVersion, resourceScopes } from "./store.js";

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


/** The version field's value: 2 for the default format, else the highest version among the fields. */
export const versionOf = (fields: readonly string[], isDefault: boolean): number => (isDefault ? 2 : Math.max(2, ...fields.map((f) => FIELD_VERSIONS[f] ?? 2)));

export const formatRecord = (r: FlowRecord, fields: readonly string[], isDefault: boolean, version = versionOf(fields, isDefault)): string => {
  const v = (f: string): string | number | undefined => {
    switch (f) {
      case "version": return version;
      case "account-id": return r.accountId;
      case "interface-id": return r.interfaceId;
      case "srcaddr": return r.srcaddr;
      case "dstaddr": return r.dstaddr;
      case "pkt-srcaddr": return r.pktSrcaddr ?? r.srcaddr;
      case "pkt-dstaddr": return r.pktDstaddr ?? r.dstaddr;
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
        // The packet's addresses: on a NAT gateway's interface every destination shares srcaddr/dstaddr.
        // The traffic path too: the same 5-tuple with and without a gateway endpoint are two flows.
        const key = `${r.interfaceId}|${r.pktSrcaddr ?? r.srcaddr}|${r.pktDstaddr ?? r.dstaddr}|${r.srcport}|${r.dstport}|${r.protocol}|${r.action}|${r.direction}|${r.trafficPath}`;
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
