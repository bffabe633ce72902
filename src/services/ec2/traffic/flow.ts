/**
 * From what a user names (an instance, an interface, an internet gateway, an endpoint, an address,
 * "internet") to the engine's Flow, and the evaluation itself. Shared by Reachability Analyzer
 * (insights.ts) and probes (probe.ts).
 */
import type { Flow, FlowResult } from "../../../engines/reachability/index.js";
import { ReachabilityInputError } from "../../../engines/reachability/index.js";
import type { StorePort } from "../../../core/index.js";
import type { Scope } from "../foundation/index.js";
import type { NetworkIndex } from "./components.js";
import { currentNetwork, type CurrentNetwork } from "./network-model.js";
import { trafficErrors as errors } from "./errors.js";

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
export const isIp = (s: string): boolean => IPV4.test(s) || (s.includes(":") && /^[0-9a-fA-F:.]+$/.test(s));

/** An id from an id or an ARN ("arn:aws:ec2:r:a:instance/i-1" → "i-1"). */
export const idOf = (s: string): string => (s.startsWith("arn:") ? s.slice(s.lastIndexOf("/") + 1) : s);

export interface EndpointSpec {
  /** An id (i-, eni-, igw-, vpce-), an address, or "internet". */
  readonly ref: string;
  /** An address to use with it (SourceIp/DestinationIp): the internet end's address for igw-/internet. */
  readonly ip?: string;
}

/**
 * The engine's source/destination string for an end point, resolved in the caller's scope:
 * an address owned by one of the caller's interfaces becomes that interface (so overlapping CIDRs
 * of other accounts do not capture it).
 */
export const engineEnd = (ix: NetworkIndex, end: EndpointSpec, scope: Scope, which: "source" | "destination"): { ref: string; internetAddress?: string } => {
  const ref = idOf(end.ref);
  if (ref === "internet" || ref.startsWith("igw-")) return { ref: "internet", ...(end.ip ? { internetAddress: end.ip } : {}) };
  if (isIp(ref)) {
    const eni = ix.eniByAddress(ref, scope);
    return { ref: eni && which === "source" ? eni.id : ref };
  }
  // A NAT gateway's own (requester-managed) interface is the gateway: the engine models the
  // NatGateway and not its interface, so naming the interface stands for the gateway's address
  // (a source is then refused as a NAT gateway, which does not start connections).
  const nat = ix.enis.get(ref);
  if (nat?.interfaceType === "nat_gateway" && nat.privateIpAddresses[0]) return { ref: nat.privateIpAddresses[0] };
  if (ref.startsWith("vpce-") && which === "source") {
    const ep = ix.endpoints.get(ref);
    const eni = ep?.networkInterfaceIds?.[0];
    if (!eni) throw errors.invalidValue(`The VPC endpoint ${ref} has no network interface to send from.`);
    return { ref: eni };
  }
  return { ref };
};

export interface FlowSpec {
  readonly source: EndpointSpec;
  readonly destination: EndpointSpec;
  readonly protocol: string;
  readonly port?: number;
  readonly srcPort?: number;
}

export interface Evaluated {
  readonly net: CurrentNetwork;
  readonly flow: Flow;
  readonly result: FlowResult;
}

/** Evaluates a flow against the store's current network. Input errors become InvalidParameterValue. */
export const evaluate = (store: StorePort, scope: Scope, spec: FlowSpec): Evaluated => {
  const net = currentNetwork(store);
  const src = engineEnd(net.index, spec.source, scope, "source");
  const dst = engineEnd(net.index, spec.destination, scope, "destination");
  const flow: Flow = {
    protocol: spec.protocol,
    source: src.ref,
    destination: dst.ref,
    ...(spec.port !== undefined ? { dstPort: spec.port } : {}),
    ...(spec.srcPort !== undefined ? { srcPort: spec.srcPort } : {}),
    ...(src.internetAddress ? { internetAddress: src.internetAddress } : dst.internetAddress ? { internetAddress: dst.internetAddress } : {}),
  };
  try {
    return { net, flow, result: net.compiled.evaluate(flow) };
  } catch (e) {
    if (e instanceof ReachabilityInputError) throw errors.invalidValue(e.message);
    throw e;
  }
};
