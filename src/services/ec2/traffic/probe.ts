/**
 * Probes: send one connection (request and reply) through the emulated network, get the engine's
 * verdict and path, and write the flow log records it produces.
 *
 *   POST /_cloudbox/probe        {"from": "i-…|eni-…|10.0.1.5|internet", "to": "i-…|eni-…|ip|internet|vpce-…|s3",
 *                                  "port": 443, "protocol": "tcp", "packets": 10, "region": "us-east-1",
 *                                  "account": "000000000000", "srcPort": 49152}
 *                                → {verdict, flow, packet, forwardPath, returnPath, blockedAt, explanations, records}
 *   POST /_cloudbox/flow-logs/flush → {flowLogs, records}: delivers every buffered aggregation window now
 *
 * Addresses given as `from` are looked up among the caller's (account, Region) interfaces first,
 * so overlapping CIDRs of other accounts do not capture them.
 */
import type { HttpRequest, HttpResponse, ServiceRuntime } from "../../../core/index.js";
import { AwsError } from "../../../core/index.js";
import type { FlowResult } from "../../../engines/reachability/index.js";
import { evaluate } from "./flow.js";
import { existingWriter, writerOf, type WrittenRecord } from "./flow-logs.js";
import { recordsOf } from "./flow-records.js";

export interface ProbeRequest {
  from: string;
  to: string;
  port?: number;
  protocol?: string;
  packets?: number;
  region?: string;
  account?: string;
  srcPort?: number;
}

export interface ProbeResponse extends FlowResult {
  flow: { protocol: string; source: string; destination: string; srcPort?: number; dstPort?: number };
  records: WrittenRecord[];
}

const DEFAULT_ACCOUNT = "000000000000";

export class ProbeInputError extends Error {}

/** Evaluates one probe and writes its flow log records. */
export const runProbe = (runtime: ServiceRuntime, req: ProbeRequest): ProbeResponse => {
  if (!req || typeof req.from !== "string" || !req.from) throw new ProbeInputError("'from' is required: an instance id, a network interface id, an IP address or \"internet\"");
  if (typeof req.to !== "string" || !req.to) throw new ProbeInputError("'to' is required: an instance id, a network interface id, an IP address or \"internet\"");
  const protocol = (req.protocol ?? "tcp").toLowerCase();
  if (!["tcp", "udp", "icmp", "icmpv6"].includes(protocol) && !/^\d+$/.test(protocol)) throw new ProbeInputError(`unknown protocol ${protocol}`);
  const ported = protocol === "tcp" || protocol === "udp";
  if (ported && (req.port === undefined || !Number.isInteger(req.port) || req.port < 0 || req.port > 65535)) throw new ProbeInputError("'port' (0-65535) is required for tcp and udp");
  const packets = req.packets ?? 1;
  if (!Number.isInteger(packets) || packets < 1 || packets > 1_000_000) throw new ProbeInputError("'packets' must be an integer from 1 to 1000000");
  const accountId = req.account ?? (runtime.settings.defaultAccountId as string | undefined) ?? DEFAULT_ACCOUNT;
  const region = req.region ?? "us-east-1";
  let evaluated;
  try {
    evaluated = evaluate(runtime.store, { accountId, region }, {
      source: { ref: req.from },
      destination: { ref: req.to },
      protocol,
      ...(ported ? { port: req.port } : {}),
      ...(req.srcPort !== undefined ? { srcPort: req.srcPort } : {}),
    });
  } catch (e) {
    if (e instanceof AwsError) throw new ProbeInputError(e.message);
    throw e;
  }
  const { net, flow, result } = evaluated;
  const now = runtime.clock.now();
  const records = writerOf(runtime).write(recordsOf(net.index, result, now, packets), now);
  return {
    ...result,
    flow: { protocol, source: flow.source, destination: flow.destination, srcPort: result.packet?.sourcePort, dstPort: result.packet?.destinationPort },
    records,
  };
};

const json = (status: number, body: unknown): HttpResponse => ({ status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** The EC2 service's internalRoute hook: /_cloudbox/probe and /_cloudbox/flow-logs/flush. */
export const trafficInternalRoute = async (req: HttpRequest, runtime: ServiceRuntime): Promise<HttpResponse | undefined> => {
  if (req.path === "/_cloudbox/probe") {
    if (req.method !== "POST") return json(405, { __type: "MethodNotAllowed", message: "Use POST for /_cloudbox/probe." });
    let body: ProbeRequest;
    try {
      body = JSON.parse(req.body.toString("utf8") || "{}") as ProbeRequest;
    } catch {
      return json(400, { __type: "InvalidRequest", message: "The body must be JSON." });
    }
    try {
      return json(200, runProbe(runtime, body));
    } catch (e) {
      if (e instanceof ProbeInputError) return json(400, { __type: "InvalidRequest", message: e.message });
      throw e;
    }
  }
  if (req.path === "/_cloudbox/flow-logs/flush") {
    if (req.method !== "POST") return json(405, { __type: "MethodNotAllowed", message: "Use POST for /_cloudbox/flow-logs/flush." });
    return json(200, await writerOf(runtime).flush());
  }
  if (req.path === "/_cloudbox/flow-logs/pending" && req.method === "GET") return json(200, existingWriter(runtime)?.pending() ?? {});
  return undefined;
};

/** Delivers buffered flow log records before the store closes. */
export const trafficStop = async (runtime: ServiceRuntime): Promise<void> => {
  await existingWriter(runtime)?.flush();
};
