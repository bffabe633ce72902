/**
 * A measurement, not a timed assertion: the network size (200 VPCs, 2,000 security
 * groups with 20,000 rules, 500 network ACLs), compile once, then evaluate random flows after a
 * warm-up. Wall-clock figures include timer overhead per flow and whatever else the machine is
 * doing; the CPU figure (process.cpuUsage) is steadier on a shared machine. Prints the figures as test diagnostics (`node --test` shows them as `# ...` lines).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { performance } from "node:perf_hooks";
import { BruteForceLookup } from "./brute.js";
import { compileNetwork } from "./compile.js";
import { generateFlows, generateNetwork, mulberry32 } from "./generate.js";
import { evaluateWith } from "./walk.js";

test("measure: 200 VPCs, 2,000 SGs, 20,000 rules, 500 NACLs", (t) => {
  const rng = mulberry32(2026);
  const network = generateNetwork(rng, {
    vpcs: 200,
    securityGroupsPerVpc: 10,
    rulesPerSecurityGroup: 10,
    customNaclsPerVpc: 1.5,
    interfacesPerSubnet: 5,
    regions: ["us-east-1", "eu-west-1"],
  });
  const rules = network.securityGroups.reduce((n, g) => n + g.ingress.length + g.egress.length, 0);
  assert.equal(network.securityGroups.length, 2000);
  assert.equal(rules, 20000);
  const flows = generateFlows(rng, network, 22000);

  const c0 = performance.now();
  const compiled = compileNetwork(network);
  const compileMs = performance.now() - c0;

  for (const f of flows.slice(0, 2000)) compiled.evaluate(f); // warm-up
  const measured = flows.slice(2000);
  const each: number[] = [];
  let accepted = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (const f of measured) {
    const s = performance.now();
    if (compiled.evaluate(f).verdict === "ACCEPT") accepted++;
    each.push(performance.now() - s);
  }
  const totalMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuUs = (cpu.user + cpu.system) / measured.length;
  each.sort((a, b) => a - b);
  const q = (p: number) => each[Math.min(each.length - 1, Math.floor(p * each.length))]!;

  const brute = new BruteForceLookup(network);
  const b0 = performance.now();
  for (const f of flows.slice(0, 200)) evaluateWith(brute, f);
  const bruteMs = (performance.now() - b0) / 200;

  t.diagnostic(
    `network: ${network.vpcs.length} VPCs, ${network.subnets.length} subnets, ${network.networkInterfaces.length} ENIs, ` +
      `${network.securityGroups.length} SGs / ${rules} rules, ${network.networkAcls.length} NACLs, ${network.routeTables.length} route tables`,
  );
  t.diagnostic(`compile: ${compileMs.toFixed(1)} ms`);
  t.diagnostic(
    `compiled: ${measured.length} flows in ${totalMs.toFixed(0)} ms = ${((totalMs / measured.length) * 1000).toFixed(1)} us/flow mean, ` +
      `p50 ${(q(0.5) * 1000).toFixed(1)} us, p99 ${(q(0.99) * 1000).toFixed(1)} us, max ${(q(1) * 1000).toFixed(0)} us; ` +
      `${Math.round(measured.length / (totalMs / 1000))} flows/s; CPU ${cpuUs.toFixed(1)} us/flow; ${accepted} ACCEPT`,
  );
  t.diagnostic(`brute force: ${(bruteMs * 1000).toFixed(0)} us/flow (200 flows)`);
});
