import assert from "node:assert/strict";
import test from "node:test";
import limits from "../../../data/instance-network-limits.json" with { type: "json" };
import { maxPods, type InstanceNetworkLimits, type MaxPodsOptions } from "./max-pods.js";

const table = limits as Record<string, InstanceNetworkLimits>;

// Expected figures: the eni-max-pods table of amazon-vpc-cni-k8s and the examples of the EKS
// max-pods calculator (m5.large: 29 by default, 110 with prefix delegation).
const cases: Array<{ type: string; options?: MaxPodsOptions; expected: number; note?: RegExp }> = [
  { type: "t3.medium", expected: 17 },
  { type: "t2.medium", expected: 17 },
  { type: "t3.large", expected: 35 },
  { type: "m5.large", expected: 29 },
  { type: "m5.xlarge", expected: 58 },
  { type: "m5.4xlarge", expected: 234 },
  { type: "t2.micro", expected: 4 },
  { type: "c5.18xlarge", expected: 737 },
  { type: "p5.48xlarge", expected: 100 }, // 32 cards, but only the default card's 2 ENIs count
  { type: "m5.4xlarge", options: { cap: true }, expected: 110 },
  { type: "m5.16xlarge", options: { cap: true }, expected: 250 },
  { type: "m5.large", options: { prefixDelegation: true, cap: true }, expected: 110 },
  { type: "m5.large", options: { prefixDelegation: true }, expected: 434 },
  { type: "m5.large", options: { prefixDelegation: true, cniVersion: "1.8.0" }, expected: 29, note: /1\.9\.0/ },
  { type: "m5.large", options: { prefixDelegation: true, cniVersion: "v1.12.6-eksbuild.2" }, expected: 434 },
  { type: "t2.medium", options: { prefixDelegation: true }, expected: 17, note: /Nitro/ },
  { type: "c5.metal", options: { prefixDelegation: true }, expected: 737, note: /no hypervisor/ },
  { type: "m5.large", options: { customNetworking: true }, expected: 20 },
  { type: "c5a.metal", options: { cap: true }, expected: 737, note: /vCPU/ },
];

for (const c of cases) {
  test(`${c.type} ${JSON.stringify(c.options ?? {})} → ${c.expected}`, () => {
    const entry = table[c.type];
    assert.ok(entry, `${c.type} is in the data`);
    const r = maxPods(c.type, entry, c.options);
    assert.equal(r.maxPods, c.expected);
    if (c.note) assert.match(r.notes.join("; "), c.note);
    else assert.deepEqual(r.notes, []);
  });
}

test("every instance type has a table value between 4 and 1,600 and never capped by default", () => {
  let min = Infinity;
  let max = 0;
  for (const [type, entry] of Object.entries(table)) {
    const r = maxPods(type, entry);
    assert.equal(r.maxPods, entry.enisDefaultCard * (entry.ipv4PerEni - 1) + 2);
    min = Math.min(min, r.maxPods);
    max = Math.max(max, r.maxPods);
  }
  assert.equal(min, 4);
  assert.ok(max > 250, `largest table value ${max} exceeds the calculator ceiling`);
});

test("the seed article's formula (ENIs × IPv4 per ENI − 1) agrees only with 3 ENIs on the default card", () => {
  for (const [type, entry] of Object.entries(table)) {
    const article = entry.enisDefaultCard * entry.ipv4PerEni - 1;
    const real = maxPods(type, entry).maxPods;
    assert.equal(article - real, entry.enisDefaultCard - 3, type);
  }
});
