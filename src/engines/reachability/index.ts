/**
 * The path engine (issue 4): evaluates a flow through security groups, network ACLs, route
 * tables, gateways, peering connections, transit gateways and endpoints, and explains the
 * verdict with Reachability Analyzer's explanation codes.
 *
 *   evaluateFlow(network, flow)          simple strategy (scans the model): a reference, slow
 *   compileNetwork(network).evaluate(f)  indexes built once per network version: use this
 *
 * Pure: no fs, network, clock or randomness. The model is plain data (model.ts) that the EC2
 * service fills from its tables.
 */
import { BruteForceLookup } from "./brute.js";
import type { Flow, Network } from "./model.js";
import type { FlowResult } from "./result.js";
import { evaluateWith } from "./walk.js";

export type * from "./model.js";
export type * from "./result.js";
export { EXPLANATION_CODES } from "./result.js";
export { compileNetwork, type CompiledNetwork } from "./compile.js";
export { DEFAULT_EPHEMERAL_PORT, INTERNET_CLIENT, INTERNET_SERVER, ReachabilityInputError } from "./walk.js";

/** Evaluates one flow with the brute-force strategy (no index). */
export function evaluateFlow(network: Network, flow: Flow): FlowResult {
  return evaluateWith(new BruteForceLookup(network), flow);
}
export { generateFlows, generateNetwork, mulberry32, type GenerateOptions, type Rng } from "./generate.js";
