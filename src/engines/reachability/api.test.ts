/** The API's edges: input errors, defaults, reply headers, purity of the result (plain data). */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { DEFAULT_EPHEMERAL_PORT, ReachabilityInputError, compileNetwork, evaluateFlow, type Network } from "./index.js";

const here = dirname(fileURLToPath(import.meta.url));
const sg = JSON.parse(readFileSync(join(here, "cases", "security-groups.json"), "utf8")).network as Network;

test("input errors are ReachabilityInputError", () => {
  assert.throws(() => evaluateFlow(sg, { protocol: "-1", source: "eni-a", destination: "eni-b" }), ReachabilityInputError);
  assert.throws(() => evaluateFlow(sg, { protocol: "bogus", source: "eni-a", destination: "eni-b" }), ReachabilityInputError);
  assert.throws(() => evaluateFlow(sg, { protocol: "tcp", source: "internet", destination: "internet", dstPort: 1 }), ReachabilityInputError);
  assert.throws(() => evaluateFlow(sg, { protocol: "tcp", source: "10.1.1.10", destination: "2600:1f18:1:102::20", dstPort: 1 }), ReachabilityInputError);
});

test("defaults: the client port is ephemeral (49152), ICMP is an echo request, its reply an echo reply", () => {
  const tcp = evaluateFlow(sg, { protocol: "tcp", source: "eni-a", destination: "eni-b", dstPort: 8080 });
  assert.equal(DEFAULT_EPHEMERAL_PORT, 49152);
  assert.equal(tcp.packet?.sourcePort, 49152);
  assert.equal(tcp.returnPath[0]?.packet.destinationPort, 49152);
  assert.equal(tcp.returnPath[0]?.packet.sourcePort, 8080);
  const ping = evaluateFlow(sg, { protocol: "icmp", source: "eni-a", destination: "eni-b" });
  assert.deepEqual(ping.packet?.icmp, { type: 8, code: 0 });
  assert.deepEqual(ping.returnPath[0]?.packet.icmp, { type: 0, code: 0 });
  const ping6 = evaluateFlow(sg, { protocol: "icmp", source: "eni-a", destination: "eni-b", ipVersion: 6 });
  assert.equal(ping6.packet?.protocol, 58);
  assert.deepEqual(ping6.returnPath[0]?.packet.icmp, { type: 129, code: 0 });
});

test("the reply never crosses a security group (stateful), the request crosses both", () => {
  const r = evaluateFlow(sg, { protocol: "tcp", source: "eni-a", destination: "eni-e", dstPort: 5432 });
  assert.equal(r.verdict, "ACCEPT");
  assert.deepEqual(r.forwardPath.filter((h) => h.componentType === "security-group").map((h) => `${h.componentId}/${h.direction}`), ["sg-client/egress", "sg-ref/ingress"]);
  assert.equal(r.returnPath.filter((h) => h.componentType === "security-group").length, 0);
  // sg-ref has no egress rule at all: the reply still passes.
  assert.equal(sg.securityGroups.find((g) => g.id === "sg-ref")?.egress.length, 0);
});

test("results are plain data (JSON round trip) and sequence numbers count from 1", () => {
  const r = compileNetwork(sg).evaluate({ protocol: "tcp", source: "eni-a", destination: "eni-b", dstPort: 8101 });
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  assert.deepEqual(r.forwardPath.map((h) => h.sequenceNumber), r.forwardPath.map((_, i) => i + 1));
  assert.equal(r.explanations.length, 1);
  assert.equal(r.explanations[0]?.explanationCode, "ENI_SG_RULES_MISMATCH");
  assert.deepEqual(r.explanations[0]?.securityGroupIds, ["sg-server"]);
  assert.match(r.blockedAt?.reason ?? "", /sg-server/);
});

test("the compiled form carries the network version", () => {
  assert.equal(compileNetwork({ ...sg, version: "v7" }).version, "v7");
});
