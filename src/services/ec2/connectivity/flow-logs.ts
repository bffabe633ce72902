/**
 * VPC Flow Logs as resources: CreateFlowLogs, DescribeFlowLogs, DeleteFlowLogs. Writing the
 * records is the reachability issue's work; this file keeps the configuration only.
 *
 * AWS rules reproduced (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateFlowLogs.html,
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html):
 * - ResourceType VPC | Subnet | NetworkInterface with ResourceIds of that type (up to 25 for a
 *   VPC); an id that does not exist is reported in Unsuccessful, the others are created.
 * - TrafficType ACCEPT | REJECT | ALL (required for these resource types).
 * - LogDestinationType cloud-watch-logs (default): LogGroupName or LogDestination (a log-group
 *   ARN), not both, and DeliverLogsPermissionArn ("This parameter is required if the destination
 *   type is cloud-watch-logs"); s3: LogDestination is a bucket ARN, optionally with a folder
 *   (arn:aws:s3:::bucket/prefix/), and a DeliverLogsPermissionArn is refused with AWS's
 *   "DeliverLogsPermissionArn is not applicable for s3 delivery" (InvalidParameter, as quoted in
 *   terraform runs); kinesis-data-firehose: a delivery stream ARN.
 * - LogFormat: the default is the version 2 fields in table order; a custom format is any
 *   sequence of ${field} of the "Available fields" table (versions 2 to 5), at least one.
 * - MaxAggregationInterval 60 or 600 seconds (default 600).
 * - The same resource, traffic type and destination twice: Unsuccessful FlowLogAlreadyExists
 *   ("Error. There is an existing Flow Log with the same configuration and log destination.").
 * - Flow logs do not stop DeleteVpc (they are not stored under the VPC).
 * DEVIATION: DeliverLogsStatus is always SUCCESS (nothing is delivered yet); transit gateway
 * flow logs are not accepted.
 */
import type { FlowLog } from "@aws-sdk/client-ec2";
import { newResourceId, opDefiner, parseArn, type OperationContext } from "../../../core/index.js";
import type { FilterTable } from "../filters.js";
import {
  applyTagSpecifications,
  checkDryRun,
  deleteResource,
  describe,
  getResource,
  listResources,
  notFound,
  putResource,
  scopeOf,
  validateTagSpecifications,
} from "../foundation/index.js";
import { connectivityErrors as errors } from "./errors.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

export const FLOW_LOG = "vpc-flow-log";

/** Fields of flow log records by the version that introduced them (flow-log-records.html, "Available fields"). */
export const FLOW_LOG_FIELDS: Readonly<Record<string, number>> = {
  version: 2, "account-id": 2, "interface-id": 2, srcaddr: 2, dstaddr: 2, srcport: 2, dstport: 2, protocol: 2,
  packets: 2, bytes: 2, start: 2, end: 2, action: 2, "log-status": 2,
  "vpc-id": 3, "subnet-id": 3, "instance-id": 3, "tcp-flags": 3, type: 3, "pkt-srcaddr": 3, "pkt-dstaddr": 3,
  region: 4, "az-id": 4, "sublocation-type": 4, "sublocation-id": 4,
  "pkt-src-aws-service": 5, "pkt-dst-aws-service": 5, "flow-direction": 5, "traffic-path": 5,
};

export const DEFAULT_LOG_FORMAT = Object.entries(FLOW_LOG_FIELDS)
  .filter(([, v]) => v === 2)
  .map(([k]) => `\${${k}}`)
  .join(" ");

const RESOURCE_TYPES: Readonly<Record<string, string>> = { VPC: "vpc", Subnet: "subnet", NetworkInterface: "network-interface" };

/** Checks a custom format: whitespace-separated ${field} tokens of the documented fields. */
export const parseLogFormat = (format: string): string[] => {
  const tokens = format.trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) throw errors.invalidParameter("LogFormat must contain at least one field.");
  const fields: string[] = [];
  const unknown: string[] = [];
  for (const t of tokens) {
    const m = /^\$\{([a-z0-9-]+)\}$/.exec(t);
    if (!m || FLOW_LOG_FIELDS[m[1]] === undefined) unknown.push(t);
    else fields.push(m[1]);
  }
  if (unknown.length) throw errors.invalidParameter(`Unknown fields provided: ${unknown.join(", ")}`);
  return fields;
};

type FlowLogDoc = Omit<FlowLog, "Tags" | "CreationTime"> & { FlowLogId: string; ResourceId: string; CreationTime: string };

const destinationOf = (input: {
  LogDestinationType?: string;
  LogDestination?: string;
  LogGroupName?: string;
  DeliverLogsPermissionArn?: string;
}, ctx: OperationContext): { type: string; destination: string; groupName?: string } => {
  const type = input.LogDestinationType ?? "cloud-watch-logs";
  if (type === "cloud-watch-logs") {
    if (input.LogGroupName && input.LogDestination) {
      throw errors.invalidParameterCombination("Please only provide LogGroupName or only provide LogDestination.");
    }
    if (!input.LogGroupName && !input.LogDestination) throw errors.missing("LogGroupName");
    if (!input.DeliverLogsPermissionArn) throw errors.missing("DeliverLogsPermissionArn");
    if (input.LogDestination) {
      const a = parseArn(input.LogDestination);
      if (!a || a.service !== "logs" || !a.resource.startsWith("log-group:")) {
        throw errors.invalidParameter(`LogDestination: ${input.LogDestination} is not a valid CloudWatch Logs log group ARN.`);
      }
      const group = a.resource.slice("log-group:".length).replace(/:\*$/, "");
      return { type, destination: input.LogDestination, groupName: group };
    }
    return {
      type,
      destination: `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${input.LogGroupName}`,
      groupName: input.LogGroupName,
    };
  }
  if (type === "s3") {
    if (input.DeliverLogsPermissionArn) throw errors.invalidParameter("DeliverLogsPermissionArn is not applicable for s3 delivery");
    if (input.LogGroupName) throw errors.invalidParameter("LogGroupName is not applicable for s3 delivery");
    if (!input.LogDestination) throw errors.missing("LogDestination");
    if (!/^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(input.LogDestination)) {
      throw errors.invalidParameter(`LogDestination: ${input.LogDestination} is not a valid S3 bucket ARN.`);
    }
    return { type, destination: input.LogDestination };
  }
  if (type === "kinesis-data-firehose") {
    if (!input.LogDestination) throw errors.missing("LogDestination");
    const a = parseArn(input.LogDestination);
    if (!a || a.service !== "firehose") throw errors.invalidParameter(`LogDestination: ${input.LogDestination} is not a valid delivery stream ARN.`);
    return { type, destination: input.LogDestination };
  }
  throw errors.invalidValue(`Value (${type}) for parameter LogDestinationType is invalid. Valid values: cloud-watch-logs, s3, kinesis-data-firehose.`);
};

export const createFlowLogs = defineOp("CreateFlowLogs", (input, ctx) => {
  const scope = scopeOf(ctx);
  const resourceType = input.ResourceType;
  if (!resourceType) throw errors.missing("ResourceType");
  const storeType = RESOURCE_TYPES[resourceType];
  if (!storeType) throw errors.invalidValue(`Value (${resourceType}) for parameter ResourceType is invalid. Cloudbox supports VPC, Subnet and NetworkInterface.`);
  const ids = input.ResourceIds ?? [];
  if (ids.length === 0) throw errors.missing("ResourceIds");
  if (resourceType === "VPC" && ids.length > 25) throw errors.invalidParameter("You can specify at most 25 VPCs per request.");
  const traffic = input.TrafficType;
  if (!traffic) throw errors.missing("TrafficType");
  if (!["ACCEPT", "REJECT", "ALL"].includes(traffic)) throw errors.invalidValue(`Value (${traffic}) for parameter TrafficType is invalid. Valid values: ACCEPT, REJECT, ALL.`);
  const dest = destinationOf(input, ctx);
  const interval = input.MaxAggregationInterval ?? 600;
  if (interval !== 60 && interval !== 600) throw errors.invalidValue(`Value (${interval}) for parameter MaxAggregationInterval is invalid. Valid values: 60, 600.`);
  const format = input.LogFormat !== undefined ? parseLogFormat(input.LogFormat).map((f) => `\${${f}}`).join(" ") : DEFAULT_LOG_FORMAT;
  validateTagSpecifications(input.TagSpecifications, [FLOW_LOG]);
  checkDryRun(input);

  const existing = listResources<FlowLogDoc>(ctx.store, scope, FLOW_LOG, { includeShared: false });
  const flowLogIds: string[] = [];
  const unsuccessful = [];
  for (const resourceId of ids) {
    if (!getResource(ctx.store, scope, storeType, resourceId, { owned: true })) {
      const e = notFound(storeType, resourceId);
      unsuccessful.push({ ResourceId: resourceId, Error: { Code: e.code, Message: e.message } });
      continue;
    }
    if (existing.some((f) => f.ResourceId === resourceId && f.TrafficType === traffic && f.LogDestination === dest.destination && f.LogDestinationType === dest.type)) {
      unsuccessful.push({
        ResourceId: resourceId,
        Error: { Code: "FlowLogAlreadyExists", Message: "Error. There is an existing Flow Log with the same configuration and log destination." },
      });
      continue;
    }
    const id = newResourceId("fl");
    const doc: FlowLogDoc = {
      CreationTime: new Date(ctx.clock.now()).toISOString(),
      ...(input.DeliverLogsPermissionArn ? { DeliverLogsPermissionArn: input.DeliverLogsPermissionArn } : {}),
      ...(input.DeliverCrossAccountRole ? { DeliverCrossAccountRole: input.DeliverCrossAccountRole } : {}),
      DeliverLogsStatus: "SUCCESS",
      FlowLogId: id,
      FlowLogStatus: "ACTIVE",
      ...(dest.groupName ? { LogGroupName: dest.groupName } : {}),
      ResourceId: resourceId,
      TrafficType: traffic,
      LogDestinationType: dest.type as FlowLog["LogDestinationType"],
      LogDestination: dest.destination,
      LogFormat: format,
      MaxAggregationInterval: interval,
      ...(dest.type === "s3"
        ? {
            DestinationOptions: {
              FileFormat: input.DestinationOptions?.FileFormat ?? "plain-text",
              HiveCompatiblePartitions: input.DestinationOptions?.HiveCompatiblePartitions ?? false,
              PerHourPartition: input.DestinationOptions?.PerHourPartition ?? false,
            },
          }
        : {}),
    };
    putResource(ctx.store, scope, FLOW_LOG, id, doc);
    applyTagSpecifications(ctx.store, scope, FLOW_LOG, id, input.TagSpecifications);
    existing.push(doc);
    flowLogIds.push(id);
  }
  return { FlowLogIds: flowLogIds, Unsuccessful: unsuccessful, ...(input.ClientToken ? { ClientToken: input.ClientToken } : {}) };
});

const flowLogFilters: FilterTable<FlowLogDoc> = {
  "deliver-log-status": (f) => f.DeliverLogsStatus,
  "log-destination-type": (f) => f.LogDestinationType,
  "flow-log-id": (f) => f.FlowLogId,
  "log-group-name": (f) => f.LogGroupName,
  "resource-id": (f) => f.ResourceId,
  "traffic-type": (f) => f.TrafficType,
};

export const describeFlowLogs = defineOp("DescribeFlowLogs", (input, ctx) => {
  const page = describe<FlowLogDoc>(
    ctx.store,
    scopeOf(ctx),
    { type: FLOW_LOG, idOf: (f) => f.FlowLogId, notFound: (id) => notFound(FLOW_LOG, id), filters: flowLogFilters, paging: { min: 1, max: 1000 } },
    // DescribeFlowLogs takes Filter (singular) on the wire; the SDK names it Filter too.
    { ids: input.FlowLogIds, idsParameter: "flowLogIds", filters: input.Filter, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  return { FlowLogs: page.items as unknown as FlowLog[], NextToken: page.nextToken };
});

export const deleteFlowLogs = defineOp("DeleteFlowLogs", (input, ctx) => {
  const ids = input.FlowLogIds ?? [];
  if (ids.length === 0) throw errors.missing("FlowLogIds");
  checkDryRun(input);
  const unsuccessful = [];
  for (const id of ids) {
    if (!getResource(ctx.store, scopeOf(ctx), FLOW_LOG, id, { owned: true })) {
      const e = notFound(FLOW_LOG, id);
      unsuccessful.push({ ResourceId: id, Error: { Code: e.code, Message: e.message } });
      continue;
    }
    deleteResource(ctx.store, id);
  }
  return { Unsuccessful: unsuccessful };
});

export const flowLogOperations = [createFlowLogs, describeFlowLogs, deleteFlowLogs];
