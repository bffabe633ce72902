/**
 * The compiled strategy must give exactly the brute-force result (verdict, both paths with the
 * rules and routes matched, the explanation) on random flows over random networks. Seeds make
 * every failure reproducible. (The JSON cases are compared the same way in cases.test.ts.)
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { BruteForceLookup } from "./brute.js";
import { compileNetwork } from "./compile.js";
import { generateFlows, generateNetwork, mulberry32 } from "./generate.js";
import type { Network } from "./model.js";
import { evaluateWith } from "./walk.js";

for (const seed of [1, 2, 3, 42]) {
  test(`compiled and brute-force strategies agree on 300 random flows (seed ${seed})`, () => {
    const rng = mulberry32(seed);
    const network = generateNetwork(rng, {
      vpcs: 16,
      securityGroupsPerVpc: 4,
      rulesPerSecurityGroup: 8,
      customNaclsPerVpc: 1.5,
      interfacesPerSubnet: 3,
      regions: ["us-east-1", "eu-west-1", "ap-southeast-2"],
    });
    const flows = generateFlows(rng, network, 300);
    const brute = new BruteForceLookup(network);
    const fast = compileNetwork(network);
    const codes = new Map<string, number>();
    let accepted = 0;
    for (const [i, flow] of flows.entries()) {
      const a = evaluateWith(brute, flow);
      const b = fast.evaluate(flow);
      assert.deepStrictEqual(b, a, `flow #${i} ${JSON.stringify(flow)}`);
      if (a.verdict === "ACCEPT") accepted++;
      const code = a.blockedAt?.explanationCode ?? "ACCEPT";
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    // The random flows must exercise both verdicts and many kinds of refusal, or agreement means little.
    assert.ok(accepted >= 20, `only ${accepted} ACCEPT`);
    assert.ok(accepted <= 280, `only ${300 - accepted} REJECT`);
    assert.ok(codes.size >= 7, `too few outcomes: ${JSON.stringify([...codes])}`);
  });
}

test("generation is reproducible from the seed", () => {
  const opts = { vpcs: 5, securityGroupsPerVpc: 2, rulesPerSecurityGroup: 4, customNaclsPerVpc: 1, interfacesPerSubnet: 2 };
  assert.deepStrictEqual(generateNetwork(mulberry32(7), opts), generateNetwork(mulberry32(7), opts));
});

// The hand-written case networks hold constructs the generator does not make (appliances,
// private NAT, egress-only gateways, interface endpoints, shared subnets): random flows over them.

const casesDir = join(dirname(fileURLToPath(import.meta.url)), "cases");
for (const file of readdirSync(casesDir).filter((f) => f.endsWith(".json")).sort()) {
  test(`compiled and brute-force strategies agree on 200 random flows over ${file}`, () => {
    const network = (JSON.parse(readFileSync(join(casesDir, file), "utf8")) as { network: Network }).network;
    const brute = new BruteForceLookup(network);
    const fast = compileNetwork(network);
    for (const [i, flow] of generateFlows(mulberry32(file.length * 7919), network, 200).entries())
      assert.deepStrictEqual(fast.evaluate(flow), evaluateWith(brute, flow), `flow #${i} ${JSON.stringify(flow)}`);
  });
}
