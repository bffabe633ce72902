/**
 * `cloudbox probe --from <instance|eni|ip|internet> --to <instance|eni|ip|internet|vpce-…|s3> --port 443
 *  [--protocol tcp|udp|icmp] [--packets N] [--src-port N] [--region R] [--account A] [--endpoint URL] [--json]`
 *
 * Sends one connection (request and reply) through the network of a running Cloudbox
 * (POST /_cloudbox/probe): prints the verdict, the hops there and back, and on REJECT the
 * component that blocked it with Reachability Analyzer's explanation code, then the flow log
 * records the probe wrote. Exit status: 0 ACCEPT, 1 REJECT, 2 usage or connection errors.
 *
 * `probe(endpoint, options)` is the same as a library call (tests use it).
 */
import type { FlowResult, PathComponent } from "../engines/reachability/index.js";
import { endpointOf, flag, parseArgs, UsageError } from "./args.js";

export interface ProbeOptions {
  from: string;
  to: string;
  port?: number;
  protocol?: string;
  packets?: number;
  srcPort?: number;
  region?: string;
  account?: string;
}

export interface ProbeRecord {
  flowLogId: string;
  interfaceId: string;
  action: string;
  line: string;
  deliverAt: number;
}

export interface ProbeResult extends FlowResult {
  flow: { protocol: string; source: string; destination: string; srcPort?: number; dstPort?: number };
  records: ProbeRecord[];
}

export class ProbeError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

/** Sends one probe to a running Cloudbox. */
export const probe = async (endpoint: string, options: ProbeOptions): Promise<ProbeResult> => {
  const res = await fetch(`${endpoint.replace(/\/+$/, "")}/_cloudbox/probe`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(options),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ProbeError(`unexpected answer (${res.status}): ${text.slice(0, 200)}`, res.status);
  }
  if (!res.ok) throw new ProbeError((body as { message?: string }).message ?? `HTTP ${res.status}`, res.status);
  return body as ProbeResult;
};

/** Delivers buffered flow log windows now. */
export const flushFlowLogs = async (endpoint: string): Promise<{ flowLogs: number; records: number }> => {
  const res = await fetch(`${endpoint.replace(/\/+$/, "")}/_cloudbox/flow-logs/flush`, { method: "POST" });
  if (!res.ok) throw new ProbeError(`flush failed: HTTP ${res.status}`, res.status);
  return (await res.json()) as { flowLogs: number; records: number };
};

const USAGE =
  "usage: cloudbox probe --from <instance|eni|ip|internet> --to <instance|eni|ip|internet|vpce-…|pl-…|s3> --port N [--protocol tcp|udp|icmp] [--packets N] [--src-port N] [--region R] [--account A] [--endpoint URL] [--json]";

const hopLine = (h: PathComponent): string => {
  const p = h.packet;
  const ports = p.sourcePort !== undefined ? `${p.sourceAddress}:${p.sourcePort} -> ${p.destinationAddress}:${p.destinationPort}` : `${p.sourceAddress} -> ${p.destinationAddress}`;
  const why = h.aclRule
    ? `rule ${h.aclRule.ruleNumber === 32767 || h.aclRule.ruleNumber === 32768 ? "*" : h.aclRule.ruleNumber} ${h.aclRule.ruleAction}`
    : h.securityGroupRule
      ? `rule ${h.securityGroupRule.rule.ruleId ?? `#${h.securityGroupRule.index}`} of ${h.securityGroupRule.groupId}`
      : h.routeTableRoute
        ? `route ${h.routeTableRoute.matchedCidr} -> ${Object.entries(h.routeTableRoute.route).find(([k]) => k !== "state" && !k.startsWith("destination"))?.[1] ?? "?"}`
        : h.note ?? "";
  return `  ${String(h.sequenceNumber).padStart(2)}. ${h.componentType.padEnd(28)} ${h.componentId.padEnd(26)} ${(h.direction ?? "").padEnd(7)} ${ports}${why ? `  (${why})` : ""}`;
};

export const renderProbe = (r: ProbeResult): string => {
  const out: string[] = [];
  const f = r.flow;
  out.push(`${r.verdict}  ${f.protocol} ${f.source} -> ${f.destination}${f.dstPort !== undefined ? ` port ${f.dstPort}` : ""}`);
  out.push("request:");
  out.push(...r.forwardPath.map(hopLine));
  if (r.returnPath.length) {
    out.push("reply:");
    out.push(...r.returnPath.map(hopLine));
  }
  if (r.blockedAt) {
    out.push(`blocked on the ${r.blockedAt.path === "forward" ? "request" : "reply"} at ${r.blockedAt.componentType} ${r.blockedAt.componentId}${r.blockedAt.direction ? ` (${r.blockedAt.direction})` : ""}: ${r.blockedAt.explanationCode}`);
    out.push(`  ${r.blockedAt.reason}`);
  }
  if (r.records.length) {
    out.push("flow log records:");
    for (const x of r.records) out.push(`  ${x.flowLogId}  ${x.line}`);
  }
  return out.join("\n");
};

const intOf = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a non-negative integer`);
  return Number(v);
};

export async function run(argv: string[]): Promise<number> {
  let options: ProbeOptions;
  let endpoint: string;
  let json: boolean;
  try {
    const args = parseArgs(argv, ["json", "help"], ["from", "to", "port", "protocol", "packets", "src-port", "region", "account", "endpoint"]);
    if (args.flags.get("help")) {
      console.log(USAGE);
      return 0;
    }
    const from = flag(args, "from");
    const to = flag(args, "to");
    if (!from || !to) throw new UsageError("--from and --to are required");
    const protocol = (flag(args, "protocol") ?? "tcp").toLowerCase();
    const port = intOf(flag(args, "port"), "port");
    if ((protocol === "tcp" || protocol === "udp") && port === undefined) throw new UsageError("--port is required for tcp and udp");
    options = {
      from,
      to,
      protocol,
      ...(port !== undefined ? { port } : {}),
      ...(flag(args, "packets") ? { packets: intOf(flag(args, "packets"), "packets") } : {}),
      ...(flag(args, "src-port") ? { srcPort: intOf(flag(args, "src-port"), "src-port") } : {}),
      ...(flag(args, "region") ? { region: flag(args, "region") } : {}),
      ...(flag(args, "account") ? { account: flag(args, "account") } : {}),
    };
    endpoint = endpointOf(args);
    json = args.flags.get("json") === true;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  let result: ProbeResult;
  try {
    result = await probe(endpoint, options);
  } catch (e) {
    console.error(e instanceof ProbeError && e.status ? `probe refused: ${e.message}` : `Cloudbox is not reachable at ${endpoint} (${(e as Error).message})`);
    return 2;
  }
  console.log(json ? JSON.stringify(result, null, 2) : renderProbe(result));
  return result.verdict === "ACCEPT" ? 0 : 1;
}
