/**
 * Table-driven cases: every cases/*.json file holds a network and flows with their expected
 * verdicts; both strategies (brute force and compiled) must give identical results, and the
 * results must meet the expectations.
 *
 * Case file: { description, network, flows: [{ name, flow, override?, expect }] }.
 * `override` replaces (by id) or adds resources of the network for that flow only.
 * `expect`: { verdict, blockedAt?: subset, forward?/return?: ordered subsequence of hops, each a
 * component id or a subset of { componentId, componentType, direction, ruleNumber, ruleAction,
 * routeCidr, src, dst, sgRuleIndex, interfaceId } }, absent?: ids that must not appear }.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { compileNetwork, evaluateFlow } from "./index.js";
import type { Flow, Network } from "./model.js";
import type { FlowResult, PathComponent } from "./result.js";

const here = dirname(fileURLToPath(import.meta.url));
const casesDir = join(here, "cases");

type HopExpect = string | Record<string, string | number>;
interface CaseFlow {
  name: string;
  flow: Flow;
  override?: Partial<Record<keyof Network, { id: string }[]>>;
  expect: {
    verdict: "ACCEPT" | "REJECT";
    blockedAt?: Record<string, string>;
    forward?: HopExpect[];
    return?: HopExpect[];
    /** Component ids that must not appear on either path. */
    absent?: string[];
  };
}
interface CaseFile {
  description: string;
  network: Network;
  flows: CaseFlow[];
}

export function withOverride(n: Network, o: CaseFlow["override"]): Network {
  if (!o) return n;
  const out: Record<string, unknown> = { ...n };
  for (const [k, items] of Object.entries(o)) {
    const base = ((n as unknown as Record<string, { id: string }[] | undefined>)[k] ?? []).slice();
    for (const it of items ?? []) {
      const i = base.findIndex((b) => b.id === it.id);
      if (i >= 0) base[i] = it;
      else base.push(it);
    }
    out[k] = base;
  }
  return out as unknown as Network;
}

function view(h: PathComponent): Record<string, string | number | undefined> {
  return {
    componentId: h.componentId,
    componentType: h.componentType,
    direction: h.direction,
    ruleNumber: h.aclRule?.ruleNumber,
    ruleAction: h.aclRule?.ruleAction,
    routeCidr: h.routeTableRoute?.matchedCidr ?? h.transitGatewayRoute?.matchedCidr,
    src: h.packet.sourceAddress,
    dst: h.packet.destinationAddress,
    sgRuleIndex: h.securityGroupRule?.index,
    interfaceId: h.interfaceId,
  };
}

function hopMatches(h: PathComponent, e: HopExpect): boolean {
  if (typeof e === "string") return h.componentId === e;
  const v = view(h);
  return Object.entries(e).every(([k, want]) => v[k] === want);
}

function assertSubsequence(path: readonly PathComponent[], want: HopExpect[], label: string): void {
  let i = 0;
  for (const h of path) if (i < want.length && hopMatches(h, want[i]!)) i++;
  assert.equal(
    i,
    want.length,
    `${label}: expected hop ${JSON.stringify(want[i])} (in order) not found in ${JSON.stringify(path.map(view))}`,
  );
}

export function loadCases(): { file: string; data: CaseFile }[] {
  return readdirSync(casesDir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => ({ file, data: JSON.parse(readFileSync(join(casesDir, file), "utf8")) as CaseFile }));
}

export function checkExpect(r: FlowResult, e: CaseFlow["expect"]): void {
  const why = r.blockedAt ? ` (blocked: ${JSON.stringify(r.blockedAt)})` : "";
  assert.equal(r.verdict, e.verdict, `verdict${why}`);
  if (e.blockedAt) {
    assert.ok(r.blockedAt, "expected a blocking component");
    for (const [k, v] of Object.entries(e.blockedAt))
      assert.equal((r.blockedAt as unknown as Record<string, string>)[k], v, `blockedAt.${k}${why}`);
    assert.equal(r.explanations[0]?.explanationCode, r.blockedAt.explanationCode);
  }
  if (e.verdict === "ACCEPT") {
    assert.equal(r.explanations.length, 0);
    assert.ok(r.returnPath.length > 0, "an accepted flow has a return path");
  }
  if (e.forward) assertSubsequence(r.forwardPath, e.forward, "forward path");
  if (e.return) assertSubsequence(r.returnPath, e.return, "return path");
  for (const id of e.absent ?? [])
    assert.ok(![...r.forwardPath, ...r.returnPath].some((h) => h.componentId === id), `${id} must not be on the path`);
}

for (const { file, data } of loadCases()) {
  for (const c of data.flows) {
    test(`${file}: ${c.name}`, () => {
      const network = withOverride(data.network, c.override);
      const simple = evaluateFlow(network, c.flow);
      const fast = compileNetwork(network).evaluate(c.flow);
      assert.deepStrictEqual(fast, simple, "compiled and brute-force strategies disagree");
      checkExpect(simple, c.expect);
    });
  }
}
