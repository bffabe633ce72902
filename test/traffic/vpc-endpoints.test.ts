/**
 * examples/vpc-endpoints/run.sh, run with the AWS CLI v2 against an in-process Cloudbox: a private
 * subnet with no NAT gateway reaches S3 only through a gateway endpoint (a prefix-list route to
 * vpce-…; NO_ROUTE_TO_DESTINATION without it), and an S3 interface endpoint (a network interface
 * with its own security group) only on the port that group allows (ENI_SG_RULES_MISMATCH
 * otherwise); the flow log records show traffic-path 7 for the gateway endpoint and the interface
 * endpoint's own records. Then, through the SDK on the same network, the other ways a probe or
 * Reachability Analyzer names S3: a pl-… id, an address inside S3's prefix list, the service
 * name, the gateway endpoint itself.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateNetworkInsightsPathCommand,
  CreateVpcEndpointCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNetworkInsightsAnalysesCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  StartNetworkInsightsAnalysisCommand,
} from "@aws-sdk/client-ec2";
import { probe } from "../../src/cli/probe.js";
import { assertVerdicts, captured, exampleSuite, flowLogRecords } from "./helpers.js";

describe("examples/vpc-endpoints/run.sh", () => {
  const example = exampleSuite("vpc-endpoints");
  const id = (re: RegExp) => captured(example.out.stdout, re);

  it("prints the expected verdicts and the blocking components", () => {
    assertVerdicts(example.out, {
      probe_s3_without_endpoint: "REJECT",
      probe_s3_via_gateway_endpoint: "ACCEPT",
      probe_interface_endpoint_443_no_rule: "REJECT",
      analysis_interface_endpoint_443_no_rule: "False",
      probe_interface_endpoint_443: "ACCEPT",
      probe_interface_endpoint_80: "REJECT",
      analysis_interface_endpoint_443: "True",
      probe_s3_after_deleting_gateway_endpoint: "REJECT",
      probe_interface_endpoint_443_without_gateway: "ACCEPT",
    });
    const rtb = id(/route-table=(\S+)/);
    const gw = id(/gateway-endpoint=(\S+)/);
    const sg = id(/endpoint-sg=(\S+)/);
    const lines = example.out.stdout.split("\n");
    const after = (name: string) => lines[lines.findIndex((l) => l.startsWith(`${name}=`)) + 1]?.trim();
    assert.equal(after("probe_s3_without_endpoint"), `blocked: NO_ROUTE_TO_DESTINATION route-table ${rtb}`);
    assert.match(after("probe_s3_via_gateway_endpoint")!, new RegExp(`^route: pl-[0-9a-f]{8} -> ${gw} \\(\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+\\)$`));
    assert.equal(after("probe_interface_endpoint_443_no_rule"), `blocked: ENI_SG_RULES_MISMATCH security-group ${sg}`);
    assert.equal(after("analysis_interface_endpoint_443_no_rule"), `blocked: ENI_SG_RULES_MISMATCH ${sg}`);
    assert.equal(after("probe_interface_endpoint_80"), `blocked: ENI_SG_RULES_MISMATCH security-group ${sg}`);
    assert.equal(after("probe_s3_after_deleting_gateway_endpoint"), `blocked: NO_ROUTE_TO_DESTINATION route-table ${rtb}`);
  });

  it("the flow log records: traffic-path 7 through the gateway endpoint, the interface endpoint's own records", () => {
    const app = id(/app=(\S+)/);
    const eni = id(/interface-endpoint=\S+ \((\S+)\)/);
    const records = flowLogRecords(example.out);
    // interface-id instance-id srcaddr dstaddr dstport action flow-direction traffic-path
    assert.ok(records.some((r) => new RegExp(`^eni-\\S+ ${app} 10\\.0\\.1\\.\\d+ \\d+\\.\\d+\\.\\d+\\.\\d+ 443 ACCEPT egress 7$`).test(r)), records.join("\n"));
    // Distinct lines: the script may span two 60-second aggregation windows (a record in each).
    const endpointLines = new Set(records.filter((r) => r.startsWith(`${eni} `)).map((r) => r.split(" ").slice(1).join(" ").replace(/10\.0\.\d+\.\d+/g, "ip")));
    assert.deepEqual([...endpointLines].sort(), ["- ip ip 443 ACCEPT ingress -", "- ip ip 443 REJECT ingress -", "- ip ip 49152 ACCEPT egress 1", "- ip ip 80 REJECT ingress -"]);
  });

  it("S3 as a probe destination: 's3', the service name, the pl- id, an address in the prefix list; and the gateway endpoint in Reachability Analyzer", async () => {
    const ec2 = new EC2Client(example.cb.clientConfig);
    const app = id(/app=(\S+)/);
    const vpc = id(/vpc=(\S+)/);
    const rtb = id(/route-table=(\S+)/);
    const pl = (await ec2.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: "prefix-list-name", Values: ["com.amazonaws.us-east-1.s3"] }] }))).PrefixLists![0].PrefixListId!;
    const cidr = (await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: pl }))).Entries![0].Cidr!;
    const inside = cidr.replace(/\.\d+\/\d+$/, ".10");
    const destinations = ["s3", "com.amazonaws.us-east-1.s3", pl, inside];
    // The script deleted its gateway endpoint: no route to any of them.
    for (const to of destinations) assert.equal((await probe(example.cb.endpoint, { from: app, to, port: 443 })).blockedAt?.explanationCode, "NO_ROUTE_TO_DESTINATION", to);
    const gw = (await ec2.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: "com.amazonaws.us-east-1.s3", RouteTableIds: [rtb] }))).VpcEndpoint!.VpcEndpointId!;
    for (const to of destinations) {
      const r = await probe(example.cb.endpoint, { from: app, to, port: 443 });
      assert.equal(r.verdict, "ACCEPT", `${to}: ${JSON.stringify(r.blockedAt)}`);
      const route = r.forwardPath.find((h) => h.routeTableRoute)!.routeTableRoute!.route;
      assert.deepEqual([route.destinationPrefixListId, route.gatewayId], [pl, gw]);
      assert.ok(r.forwardPath.some((h) => h.componentType === "vpc-endpoint" && h.componentId === gw));
    }
    // A gateway endpoint carries TCP (and ICMP echo) only (VPCE_GATEWAY_PROTOCOL_RESTRICTION).
    const udp = await probe(example.cb.endpoint, { from: app, to: "s3", port: 53, protocol: "udp" });
    assert.deepEqual([udp.verdict, udp.blockedAt?.explanationCode, udp.blockedAt?.componentId], ["REJECT", "VPCE_GATEWAY_PROTOCOL_RESTRICTION", gw]);

    // Reachability Analyzer: the gateway endpoint as Destination, or an S3 address as DestinationIp.
    for (const to of [{ Destination: gw }, { DestinationIp: inside }]) {
      const path = (await ec2.send(new CreateNetworkInsightsPathCommand({ Source: app, ...to, Protocol: "tcp", DestinationPort: 443 }))).NetworkInsightsPath!;
      const analysis = (await ec2.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId }))).NetworkInsightsAnalysis!;
      const a = (await ec2.send(new DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsAnalysisIds: [analysis.NetworkInsightsAnalysisId!] }))).NetworkInsightsAnalyses![0];
      assert.equal(a.NetworkPathFound, true, JSON.stringify(to));
      const rt = a.ForwardPathComponents!.find((c) => c.RouteTableRoute)!.RouteTableRoute!;
      assert.deepEqual([rt.DestinationPrefixListId, rt.GatewayId], [pl, gw]);
      assert.ok(a.ForwardPathComponents!.some((c) => c.Component?.Id === gw));
    }
    ec2.destroy();
  });
});
