/**
 * Reachability Analyzer: CreateNetworkInsightsPath, DescribeNetworkInsightsPaths,
 * DeleteNetworkInsightsPath, StartNetworkInsightsAnalysis, DescribeNetworkInsightsAnalyses,
 * DeleteNetworkInsightsAnalysis, evaluated by the path engine (src/engines/reachability).
 *
 * AWS behaviour reproduced (EC2 API Reference: API_CreateNetworkInsightsPath.html,
 * API_StartNetworkInsightsAnalysis.html, API_NetworkInsightsAnalysis.html, API_PathComponent.html,
 * API_Explanation.html; explanation codes: https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html):
 * - a path names a Source (instance, network interface, internet gateway, VPC endpoint, transit
 *   gateway; an id or an ARN) and a Destination or a DestinationIp, Protocol tcp|udp, an optional
 *   DestinationPort, SourceIp/DestinationIp, FilterAtSource/FilterAtDestination;
 * - StartNetworkInsightsAnalysis answers Status "running"; the analysis is "succeeded" when
 *   described (it is evaluated at once: nothing in Cloudbox takes minutes);
 * - NetworkPathFound, ForwardPathComponents and ReturnPathComponents (with SequenceNumber,
 *   Component {Id, Arn}, AclRule, SecurityGroupRule, RouteTableRoute, Inbound/OutboundHeader,
 *   Subnet, Vpc), and Explanations with AWS's codes when no path is found.
 * DEVIATION: a transit gateway as Source/Destination is accepted by CreateNetworkInsightsPath but
 * its analysis fails (StatusMessage says so): the engine starts flows at interfaces or the internet.
 * DEVIATION: one explanation (the first blocking component), where AWS may list several.
 * DEVIATION: AdditionalAccounts/FilterInArns/FilterOutArns are kept, not used (the model always
 * spans every account).
 */
import type { NetworkInsightsAnalysis, NetworkInsightsPath, PathFilter } from "@aws-sdk/client-ec2";
import { newResourceId, opDefiner } from "../../../core/index.js";
import type { FilterTable } from "../filters.js";
import {
  applyTagSpecifications,
  checkDryRun,
  deleteResource,
  describe,
  getResource,
  notFound,
  putResource,
  scopeOf,
  typeOfId,
  validateTagSpecifications,
  type Scope,
} from "../foundation/index.js";
import { explanationsOf, pathComponentsOf } from "./components.js";
import { trafficErrors as errors } from "./errors.js";
import { evaluate, idOf, isIp } from "./flow.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

export const PATH = "network-insights-path";
export const ANALYSIS = "network-insights-analysis";

type PathDoc = Omit<NetworkInsightsPath, "Tags" | "CreatedDate"> & { NetworkInsightsPathId: string; CreatedDate: string; Source: string; Protocol: string };
type AnalysisDoc = Omit<NetworkInsightsAnalysis, "Tags" | "StartDate"> & { NetworkInsightsAnalysisId: string; NetworkInsightsPathId: string; StartDate: string };

const SOURCE_TYPES = ["instance", "network-interface", "internet-gateway", "vpc-endpoint", "transit-gateway", "transit-gateway-attachment"];

/** Checks that an end point exists and the caller may see it; returns its id and ARN. */
const resolveRef = (ctx: { store: Parameters<typeof getResource>[0] }, scope: Scope, value: string, param: string): { id: string; arn: string } => {
  const id = idOf(value);
  const info = typeOfId(id);
  if (!info || !SOURCE_TYPES.includes(info.type)) {
    throw errors.invalidValue(`The ${param} '${value}' is not a supported resource: use an instance, network interface, internet gateway, VPC endpoint or transit gateway.`);
  }
  if (!getResource(ctx.store, scope, info.type, id)) throw notFound(info.type, id);
  return { id, arn: value.startsWith("arn:") ? value : `arn:aws:ec2:${scope.region}:${scope.accountId}:${info.type}/${id}` };
};

const checkPort = (n: number | undefined, name: string): void => {
  if (n !== undefined && (!Number.isInteger(n) || n < 0 || n > 65535)) throw errors.invalidValue(`${name} must be between 0 and 65535.`);
};

const checkFilter = (f: PathFilter | undefined, name: string): void => {
  if (!f) return;
  for (const [k, v] of [["SourceAddress", f.SourceAddress], ["DestinationAddress", f.DestinationAddress]] as const) {
    if (v !== undefined && !isIp(v)) throw errors.invalidValue(`${name}.${k} '${v}' is not an IP address.`);
  }
  checkPort(f.SourcePortRange?.FromPort, `${name}.SourcePortRange.FromPort`);
  checkPort(f.DestinationPortRange?.FromPort, `${name}.DestinationPortRange.FromPort`);
};

export const createNetworkInsightsPath = defineOp("CreateNetworkInsightsPath", (input, ctx) => {
  const scope = scopeOf(ctx);
  if (!input.Source) throw errors.missing("Source");
  if (!input.Protocol) throw errors.missing("Protocol");
  if (input.Protocol !== "tcp" && input.Protocol !== "udp") throw errors.invalidValue(`Value (${input.Protocol}) for parameter Protocol is invalid. Valid values: tcp, udp.`);
  if (!input.Destination && !input.DestinationIp && !input.FilterAtSource?.DestinationAddress) throw errors.missing("Destination");
  for (const [k, v] of [["SourceIp", input.SourceIp], ["DestinationIp", input.DestinationIp]] as const) {
    if (v !== undefined && !isIp(v)) throw errors.invalidValue(`Value (${v}) for parameter ${k} is invalid. It must be an IP address.`);
  }
  checkPort(input.DestinationPort, "DestinationPort");
  checkFilter(input.FilterAtSource, "FilterAtSource");
  checkFilter(input.FilterAtDestination, "FilterAtDestination");
  validateTagSpecifications(input.TagSpecifications, [PATH]);
  const source = resolveRef(ctx, scope, input.Source, "Source");
  const destination = input.Destination ? resolveRef(ctx, scope, input.Destination, "Destination") : undefined;
  checkDryRun(input);
  const id = newResourceId("nip");
  const doc: PathDoc = {
    NetworkInsightsPathId: id,
    NetworkInsightsPathArn: `arn:aws:ec2:${scope.region}:${scope.accountId}:network-insights-path/${id}`,
    CreatedDate: new Date(ctx.clock.now()).toISOString(),
    Source: source.id,
    SourceArn: source.arn,
    ...(destination ? { Destination: destination.id, DestinationArn: destination.arn } : {}),
    ...(input.SourceIp ? { SourceIp: input.SourceIp } : {}),
    ...(input.DestinationIp ? { DestinationIp: input.DestinationIp } : {}),
    Protocol: input.Protocol,
    ...(input.DestinationPort !== undefined ? { DestinationPort: input.DestinationPort } : {}),
    ...(input.FilterAtSource ? { FilterAtSource: input.FilterAtSource } : {}),
    ...(input.FilterAtDestination ? { FilterAtDestination: input.FilterAtDestination } : {}),
  };
  putResource(ctx.store, scope, PATH, id, doc);
  const tags = applyTagSpecifications(ctx.store, scope, PATH, id, input.TagSpecifications);
  return { NetworkInsightsPath: { ...doc, ...(tags?.length ? { Tags: tags } : {}) } as unknown as NetworkInsightsPath };
});

const pathFilters: FilterTable<PathDoc> = {
  destination: (p) => p.Destination,
  "destination-ip": (p) => p.DestinationIp,
  "destination-port": (p) => p.DestinationPort,
  protocol: (p) => p.Protocol,
  source: (p) => p.Source,
  "source-ip": (p) => p.SourceIp,
  "filter-at-source.source-address": (p) => p.FilterAtSource?.SourceAddress,
  "filter-at-source.destination-address": (p) => p.FilterAtSource?.DestinationAddress,
  "filter-at-destination.source-address": (p) => p.FilterAtDestination?.SourceAddress,
  "filter-at-destination.destination-address": (p) => p.FilterAtDestination?.DestinationAddress,
};

export const describeNetworkInsightsPaths = defineOp("DescribeNetworkInsightsPaths", (input, ctx) => {
  const page = describe<PathDoc>(
    ctx.store,
    scopeOf(ctx),
    { type: PATH, idOf: (p) => p.NetworkInsightsPathId, notFound: (id) => notFound(PATH, id), filters: pathFilters, paging: { min: 1, max: 100 } },
    { ids: input.NetworkInsightsPathIds, idsParameter: "NetworkInsightsPathIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  return { NetworkInsightsPaths: page.items as unknown as NetworkInsightsPath[], ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
});

export const deleteNetworkInsightsPath = defineOp("DeleteNetworkInsightsPath", (input, ctx) => {
  const id = input.NetworkInsightsPathId;
  if (!id) throw errors.missing("NetworkInsightsPathId");
  if (!getResource(ctx.store, scopeOf(ctx), PATH, id, { owned: true })) throw notFound(PATH, id);
  checkDryRun(input);
  deleteResource(ctx.store, id);
  return { NetworkInsightsPathId: id };
});

export const startNetworkInsightsAnalysis = defineOp("StartNetworkInsightsAnalysis", (input, ctx) => {
  const scope = scopeOf(ctx);
  const pathId = input.NetworkInsightsPathId;
  if (!pathId) throw errors.missing("NetworkInsightsPathId");
  validateTagSpecifications(input.TagSpecifications, [ANALYSIS]);
  const path = getResource<PathDoc>(ctx.store, scope, PATH, pathId);
  if (!path) throw notFound(PATH, pathId);
  checkDryRun(input);
  const id = newResourceId("nia");
  const base: AnalysisDoc = {
    NetworkInsightsAnalysisId: id,
    NetworkInsightsAnalysisArn: `arn:aws:ec2:${scope.region}:${scope.accountId}:network-insights-analysis/${id}`,
    NetworkInsightsPathId: pathId,
    StartDate: new Date(ctx.clock.now()).toISOString(),
    ...(input.AdditionalAccounts?.length ? { AdditionalAccounts: input.AdditionalAccounts } : {}),
    ...(input.FilterInArns?.length ? { FilterInArns: input.FilterInArns } : {}),
    ...(input.FilterOutArns?.length ? { FilterOutArns: input.FilterOutArns } : {}),
    Status: "succeeded",
  };
  let doc: AnalysisDoc;
  if ([path.Source, path.Destination].some((r) => r?.startsWith("tgw-"))) {
    doc = { ...base, Status: "failed", StatusMessage: "Cloudbox evaluates paths that start and end at network interfaces, endpoints, addresses or the internet; a transit gateway end point is not supported." };
  } else {
    const destRef = path.Destination ?? path.DestinationIp ?? path.FilterAtSource?.DestinationAddress!;
    const { net, result } = evaluate(ctx.store, scope, {
      source: { ref: path.Source, ip: path.SourceIp ?? path.FilterAtSource?.SourceAddress },
      destination: { ref: destRef, ip: path.DestinationIp ?? path.FilterAtDestination?.DestinationAddress },
      protocol: path.Protocol,
      port: path.DestinationPort ?? path.FilterAtSource?.DestinationPortRange?.FromPort ?? path.FilterAtDestination?.DestinationPortRange?.FromPort,
      srcPort: path.FilterAtSource?.SourcePortRange?.FromPort,
    });
    const found = result.verdict === "ACCEPT";
    doc = {
      ...base,
      NetworkPathFound: found,
      ForwardPathComponents: pathComponentsOf(net.index, result.forwardPath),
      ...(result.returnPath.length ? { ReturnPathComponents: pathComponentsOf(net.index, result.returnPath) } : {}),
      ...(found ? {} : { Explanations: explanationsOf(net.index, result.explanations) }),
    };
  }
  putResource(ctx.store, scope, ANALYSIS, id, doc);
  const tags = applyTagSpecifications(ctx.store, scope, ANALYSIS, id, input.TagSpecifications);
  // "Status: running" is what StartNetworkInsightsAnalysis answers; the result is in Describe.
  return {
    NetworkInsightsAnalysis: {
      NetworkInsightsAnalysisId: id,
      NetworkInsightsAnalysisArn: base.NetworkInsightsAnalysisArn,
      NetworkInsightsPathId: pathId,
      StartDate: new Date(base.StartDate),
      Status: "running" as const,
      ...(base.AdditionalAccounts ? { AdditionalAccounts: base.AdditionalAccounts } : {}),
      ...(base.FilterInArns ? { FilterInArns: base.FilterInArns } : {}),
      ...(tags?.length ? { Tags: tags } : {}),
    },
  };
});

const analysisFilters: FilterTable<AnalysisDoc> = {
  "path-found": (a) => (a.NetworkPathFound === undefined ? undefined : String(a.NetworkPathFound)),
  status: (a) => a.Status,
};

export const describeNetworkInsightsAnalyses = defineOp("DescribeNetworkInsightsAnalyses", (input, ctx) => {
  const page = describe<AnalysisDoc>(
    ctx.store,
    scopeOf(ctx),
    { type: ANALYSIS, idOf: (a) => a.NetworkInsightsAnalysisId, notFound: (id) => notFound(ANALYSIS, id), filters: analysisFilters, paging: { min: 1, max: 100 } },
    { ids: input.NetworkInsightsAnalysisIds, idsParameter: "NetworkInsightsAnalysisIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  const from = input.AnalysisStartTime ? new Date(input.AnalysisStartTime).getTime() : undefined;
  const to = input.AnalysisEndTime ? new Date(input.AnalysisEndTime).getTime() : undefined;
  const items = page.items.filter((a) => {
    if (input.NetworkInsightsPathId && a.NetworkInsightsPathId !== input.NetworkInsightsPathId) return false;
    const t = Date.parse(a.StartDate);
    return (from === undefined || t >= from) && (to === undefined || t <= to);
  });
  return { NetworkInsightsAnalyses: items as unknown as NetworkInsightsAnalysis[], ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
});

export const deleteNetworkInsightsAnalysis = defineOp("DeleteNetworkInsightsAnalysis", (input, ctx) => {
  const id = input.NetworkInsightsAnalysisId;
  if (!id) throw errors.missing("NetworkInsightsAnalysisId");
  if (!getResource(ctx.store, scopeOf(ctx), ANALYSIS, id, { owned: true })) throw notFound(ANALYSIS, id);
  checkDryRun(input);
  deleteResource(ctx.store, id);
  return { NetworkInsightsAnalysisId: id };
});

export const insightsOperations = [
  createNetworkInsightsPath,
  describeNetworkInsightsPaths,
  deleteNetworkInsightsPath,
  startNetworkInsightsAnalysis,
  describeNetworkInsightsAnalyses,
  deleteNetworkInsightsAnalysis,
];
