/**
 * examples/hub-and-spoke/run.sh, run with the AWS CLI v2 against an in-process Cloudbox: two
 * transit gateways (us-east-1, us-west-2) peered through the EC2 API, three spokes, spoke C
 * isolated by a blackhole route. Every verdict the script prints must be the expected one; then,
 * on the network it built, the probe paths must really cross the peering (both gateways' route
 * tables, static routes to the peering attachment, propagated ones to the VPCs), the isolation
 * must be the blackhole's doing (deleting the route through the SDK reconnects C), and a peering
 * attachment left unassociated on the accepter's side must stop the traffic there. Spoke B's flow
 * log shows the transit gateway interface's records as AWS's "Traffic through a transit gateway"
 * example does (its own address in srcaddr/dstaddr, spoke A in pkt-srcaddr/pkt-dstaddr).
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  DeleteTransitGatewayRouteCommand,
  DescribeTransitGatewayPeeringAttachmentsCommand,
  DisassociateTransitGatewayRouteTableCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { probe } from "../../src/cli/probe.js";
import { assertVerdicts, captured, exampleSuite, flowLogRecords } from "./helpers.js";

/** The ids the script prints: "east: tgw=… rtb=… A=i-… (ip) C=i-… (ip)", "west: …", "peering=…". */
const idsOf = (stdout: string) => {
  const get = (re: RegExp) => captured(stdout, re);
  return {
    tgwEast: get(/^east: tgw=(\S+)/m),
    rtbEast: get(/^east: .* rtb=(\S+)/m),
    a: get(/^east: .* A=(\S+)/m),
    ipA: get(/^east: .* A=\S+ \((\S+)\)/m),
    ipB: get(/^west: .* B=\S+ \((\S+)\)/m),
    c: get(/^east: .* C=(\S+)/m),
    tgwWest: get(/^west: tgw=(\S+)/m),
    rtbWest: get(/^west: .* rtb=(\S+)/m),
    b: get(/^west: .* B=(\S+)/m),
    peering: get(/^peering=(\S+)/m),
  };
};

describe("examples/hub-and-spoke/run.sh", () => {
  const example = exampleSuite("hub-and-spoke");
  let ids: ReturnType<typeof idsOf>;
  before(() => {
    ids = idsOf(example.out.stdout);
  });

  it("prints the expected verdicts, the isolated spoke blocked at tgw-east's route table by its blackhole", () => {
    assertVerdicts(example.out, {
      probe_a_to_b: "ACCEPT",
      probe_b_to_a: "ACCEPT",
      probe_a_to_c: "REJECT",
      probe_b_to_c: "REJECT",
      probe_c_to_a: "REJECT",
      analysis_a_to_c: "False",
    });
    const blocked = example.out.stdout.split("\n").filter((l) => l.startsWith("  blocked: "));
    assert.deepEqual(blocked, [
      `  blocked: TGW_RTB_BAD_STATE_ROUTE transit-gateway-route-table ${ids.rtbEast} (forward)`,
      `  blocked: TGW_RTB_BAD_STATE_ROUTE transit-gateway-route-table ${ids.rtbEast} (forward)`,
      `  blocked: TGW_RTB_BAD_STATE_ROUTE transit-gateway-route-table ${ids.rtbEast} (return)`,
      `  blocked: TGW_RTB_BAD_STATE_ROUTE arn:aws:ec2:us-east-1:000000000000:transit-gateway-route-table/${ids.rtbEast}`,
    ]);
  });

  it("spoke B's flow log (us-west-2): the transit gateway interface's records name itself, the packet names spoke A", () => {
    // interface-id instance-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr dstport action flow-direction
    const records = flowLogRecords(example.out).map((r) => r.split(" "));
    const request = records.find((r) => r[1] === "-" && r[4] === ids.ipA && r[5] === ids.ipB && r[6] === "443" && r[8] === "egress");
    assert.ok(request, records.join("\n"));
    const [tgwEni, , tgwIp] = request;
    assert.match(tgwIp, /^10\.2\.1\.\d+$/);
    assert.notEqual(tgwIp, ids.ipB);
    assert.deepEqual(request.slice(3), [ids.ipB, ids.ipA, ids.ipB, "443", "ACCEPT", "egress"]);
    // The reply into the same interface: dstaddr the interface, pkt-dstaddr spoke A.
    assert.ok(records.some((r) => r.join(" ") === `${tgwEni} - ${ids.ipB} ${tgwIp} ${ids.ipB} ${ids.ipA} 443 ACCEPT ingress`), records.join("\n"));
    // B's own interface: the addresses of the packet, A's included.
    assert.ok(records.some((r) => r[1] === ids.b && r.slice(2).join(" ") === `${ids.ipA} ${ids.ipB} ${ids.ipA} ${ids.ipB} 443 ACCEPT ingress`), records.join("\n"));
  });

  it("the peering is the one created in us-east-1 and accepted in us-west-2", async () => {
    const west = new EC2Client({ ...example.cb.clientConfig, region: "us-west-2" });
    const att = (await west.send(new DescribeTransitGatewayPeeringAttachmentsCommand({ TransitGatewayAttachmentIds: [ids.peering] }))).TransitGatewayPeeringAttachments![0];
    assert.deepEqual(
      [att.State, att.RequesterTgwInfo?.TransitGatewayId, att.RequesterTgwInfo?.Region, att.AccepterTgwInfo?.TransitGatewayId, att.AccepterTgwInfo?.Region],
      ["available", ids.tgwEast, "us-east-1", ids.tgwWest, "us-west-2"],
    );
    west.destroy();
  });

  it("spoke A (us-east-1) to spoke B (us-west-2) crosses both gateways: static route to the peering, then the propagated route", async () => {
    const r = await probe(example.cb.endpoint, { from: ids.a, to: ids.b, port: 443 });
    assert.equal(r.verdict, "ACCEPT", JSON.stringify(r.blockedAt));
    const tgwHops = r.forwardPath.filter((h) => h.componentType.startsWith("transit-gateway")).map((h) => h.componentId);
    assert.deepEqual(tgwHops.filter((id) => !id.startsWith("tgw-attach-") || id === ids.peering), [ids.tgwEast, ids.rtbEast, ids.peering, ids.tgwWest, ids.rtbWest]);
    const routes = r.forwardPath.filter((h) => h.transitGatewayRoute).map((h) => [h.componentId, h.transitGatewayRoute!.origin, h.transitGatewayRoute!.matchedCidr]);
    assert.deepEqual(routes, [[ids.rtbEast, "static", "10.2.0.0/16"], [ids.rtbWest, "propagated", "10.2.0.0/16"]]);
    // The reply comes back the same way: tgw-west's static route to 10.1.0.0/16, then tgw-east's propagated one.
    const back = r.returnPath.filter((h) => h.transitGatewayRoute).map((h) => [h.componentId, h.transitGatewayRoute!.origin, h.transitGatewayRoute!.matchedCidr]);
    assert.deepEqual(back, [[ids.rtbWest, "static", "10.1.0.0/16"], [ids.rtbEast, "propagated", "10.1.0.0/16"]]);
  });

  it("the blackhole is what isolates C: deleting it (SDK, us-east-1) reconnects A and B to C", async () => {
    const east = new EC2Client(example.cb.clientConfig);
    await east.send(new DeleteTransitGatewayRouteCommand({ TransitGatewayRouteTableId: ids.rtbEast, DestinationCidrBlock: "10.3.0.0/16" }));
    assert.equal((await probe(example.cb.endpoint, { from: ids.a, to: ids.c, port: 443 })).verdict, "ACCEPT");
    assert.equal((await probe(example.cb.endpoint, { from: ids.b, to: ids.c, port: 443 })).verdict, "ACCEPT");
    east.destroy();
  });

  it("a peering attachment not associated on the accepter's side stops traffic there (TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION)", async () => {
    const west = new EC2Client({ ...example.cb.clientConfig, region: "us-west-2" });
    await west.send(new DisassociateTransitGatewayRouteTableCommand({ TransitGatewayRouteTableId: ids.rtbWest, TransitGatewayAttachmentId: ids.peering }));
    const r = await probe(example.cb.endpoint, { from: ids.a, to: ids.b, port: 443 });
    assert.deepEqual([r.verdict, r.blockedAt?.explanationCode, r.blockedAt?.componentId], ["REJECT", "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION", ids.peering]);
    west.destroy();
  });
});
