/**
 * The seed's three-tier architecture ("Traffic Control in AWS VPC with Security Groups and NACLs"),
 * built through the EC2 API, evaluated through Reachability Analyzer (the real EC2Client) and
 * through probes (POST /_cloudbox/probe via the CLI module's probe()):
 * web -> app 8080 ACCEPT; internet -> app REJECT at the internet gateway (the app has no public
 * address); app -> db 3306 ACCEPT; web -> db 3306 REJECT at the db subnet's ACL; removing the app
 * ACL's outbound ephemeral entry makes the reply fail at that ACL (NACLs are stateless).
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateNetworkInsightsPathCommand,
  DeleteNetworkAclEntryCommand,
  CreateNetworkAclEntryCommand,
  DeleteNetworkInsightsAnalysisCommand,
  DeleteNetworkInsightsPathCommand,
  DescribeNetworkInsightsAnalysesCommand,
  DescribeNetworkInsightsPathsCommand,
  EC2Client,
  StartNetworkInsightsAnalysisCommand,
  type NetworkInsightsAnalysis,
} from "@aws-sdk/client-ec2";
import { probe, renderProbe } from "../../src/cli/probe.js";
import type { Cloudbox } from "../helpers/cloudbox.js";
import { buildThreeTier, startTrafficCloudbox, type ThreeTier } from "./helpers.js";

describe("traffic: three-tier reachability", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  let t: ThreeTier;
  before(async () => {
    cb = await startTrafficCloudbox();
    ec2 = new EC2Client(cb.clientConfig);
    t = await buildThreeTier(ec2, "rt");
  });
  after(() => cb.stop());

  const analyse = async (input: { Source: string; Destination?: string; DestinationIp?: string; DestinationPort?: number; Protocol?: "tcp" | "udp" }): Promise<NetworkInsightsAnalysis> => {
    const path = (await ec2.send(new CreateNetworkInsightsPathCommand({ Protocol: "tcp", ...input }))).NetworkInsightsPath!;
    assert.match(path.NetworkInsightsPathId!, /^nip-[0-9a-f]{17}$/);
    assert.equal(path.NetworkInsightsPathArn, `arn:aws:ec2:us-east-1:000000000000:network-insights-path/${path.NetworkInsightsPathId}`);
    const started = (await ec2.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId }))).NetworkInsightsAnalysis!;
    assert.equal(started.Status, "running");
    assert.ok(started.StartDate instanceof Date);
    const [a] = (await ec2.send(new DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsAnalysisIds: [started.NetworkInsightsAnalysisId!] }))).NetworkInsightsAnalyses!;
    assert.equal(a.Status, "succeeded");
    assert.equal(a.NetworkInsightsPathId, path.NetworkInsightsPathId);
    return a;
  };

  it("web -> app on 8080: path found, forward and return components with the rules that allowed them", async () => {
    const a = await analyse({ Source: t.instance.web, Destination: t.instance.app, DestinationPort: 8080 });
    assert.equal(a.NetworkPathFound, true);
    assert.equal(a.Explanations, undefined);
    const ids = a.ForwardPathComponents!.map((c) => c.Component!.Id);
    assert.deepEqual(ids, [t.eni.web, t.sg.web, ids[2], t.acl.web, t.acl.app, t.sg.app, t.eni.app]);
    assert.match(ids[2]!, /^rtb-/);
    a.ForwardPathComponents!.forEach((c, i) => assert.equal(c.SequenceNumber, i + 1));
    const appSg = a.ForwardPathComponents!.find((c) => c.Component!.Id === t.sg.app)!;
    assert.equal(appSg.Component!.Arn, `arn:aws:ec2:us-east-1:000000000000:security-group/${t.sg.app}`);
    assert.deepEqual(appSg.SecurityGroupRule, { Direction: "ingress", SecurityGroupId: t.sg.app, Protocol: "tcp", PortRange: { From: 8080, To: 8080 } });
    const appAcl = a.ForwardPathComponents!.find((c) => c.Component!.Id === t.acl.app)!;
    assert.deepEqual(appAcl.AclRule, { RuleNumber: 100, RuleAction: "allow", Egress: false, Protocol: "6", Cidr: "10.0.1.0/24", PortRange: { From: 8080, To: 8080 } });
    assert.equal(appAcl.Vpc!.Id, t.vpc);
    const route = a.ForwardPathComponents![2].RouteTableRoute!;
    assert.equal(route.DestinationCidr, "10.0.0.0/16");
    assert.equal(route.GatewayId, "local");
    assert.deepEqual(a.ForwardPathComponents![0].InboundHeader, {
      Protocol: "tcp",
      SourceAddresses: [t.ip.web],
      DestinationAddresses: [t.ip.app],
      SourcePortRanges: [{ From: 49152, To: 49152 }],
      DestinationPortRanges: [{ From: 8080, To: 8080 }],
    });
    assert.equal(a.ForwardPathComponents![0].Subnet!.Id, t.subnet.web);
    const ret = a.ReturnPathComponents!.map((c) => c.Component!.Id);
    assert.ok(ret.includes(t.acl.app) && ret.includes(t.acl.web), `return path crosses both ACLs: ${ret.join(" ")}`);
    const replyOut = a.ReturnPathComponents!.find((c) => c.Component!.Id === t.acl.app)!;
    assert.equal(replyOut.AclRule!.Egress, true);
    assert.deepEqual(replyOut.AclRule!.PortRange, { From: 1024, To: 65535 });
  });

  it("internet (internet gateway) -> app: no path, the internet gateway named with its explanation code", async () => {
    const a = await analyse({ Source: t.igw, Destination: t.instance.app, DestinationPort: 8080 });
    assert.equal(a.NetworkPathFound, false);
    assert.equal(a.Explanations!.length, 1);
    assert.equal(a.Explanations![0].ExplanationCode, "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS");
    assert.equal(a.Explanations![0].Component!.Id, t.igw);
    assert.equal(a.Explanations![0].InternetGateway!.Id, t.igw);
  });

  it("internet -> web on 443: path found through the internet gateway", async () => {
    const a = await analyse({ Source: t.igw, Destination: t.instance.web, DestinationPort: 443 });
    assert.equal(a.NetworkPathFound, true);
    assert.deepEqual(a.ForwardPathComponents!.map((c) => c.Component!.Id), [t.igw, t.acl.web, t.sg.web, t.eni.web]);
    // The gateway translates the public address to the private one.
    assert.deepEqual(a.ForwardPathComponents![0].InboundHeader!.DestinationAddresses, [t.publicIp.web]);
    assert.deepEqual(a.ForwardPathComponents![0].OutboundHeader!.DestinationAddresses, [t.ip.web]);
  });

  it("app -> db on 3306 ACCEPT; web -> db on 3306 REJECT at the db subnet's ACL (SUBNET_ACL_RESTRICTION)", async () => {
    assert.equal((await analyse({ Source: t.instance.app, Destination: t.instance.db, DestinationPort: 3306 })).NetworkPathFound, true);
    const a = await analyse({ Source: t.instance.web, Destination: t.instance.db, DestinationPort: 3306 });
    assert.equal(a.NetworkPathFound, false);
    const e = a.Explanations![0];
    assert.equal(e.ExplanationCode, "SUBNET_ACL_RESTRICTION");
    assert.equal(e.Component!.Id, t.acl.db);
    assert.equal(e.Acl!.Id, t.acl.db);
    assert.equal(e.Direction, "ingress");
    assert.equal(e.AclRule!.RuleNumber, 32767);
    assert.equal(e.AclRule!.RuleAction, "deny");
  });

  it("a DestinationIp path (no Destination) and the same verdicts through probes", async () => {
    assert.equal((await analyse({ Source: t.instance.app, DestinationIp: t.ip.db, DestinationPort: 3306 })).NetworkPathFound, true);
    const ok = await probe(cb.endpoint, { from: t.instance.web, to: t.instance.app, port: 8080 });
    assert.equal(ok.verdict, "ACCEPT");
    assert.match(renderProbe(ok), /^ACCEPT {2}tcp i-/);
    const byIp = await probe(cb.endpoint, { from: t.ip.app, to: t.ip.db, port: 3306 });
    assert.equal(byIp.verdict, "ACCEPT");
    assert.equal(byIp.flow.source, t.eni.app);
    const inet = await probe(cb.endpoint, { from: "internet", to: t.instance.app, port: 8080 });
    assert.equal(inet.verdict, "REJECT");
    assert.equal(inet.blockedAt!.componentId, t.igw);
    const webDb = await probe(cb.endpoint, { from: t.instance.web, to: t.instance.db, port: 3306 });
    assert.equal(webDb.verdict, "REJECT");
    assert.deepEqual([webDb.blockedAt!.componentId, webDb.blockedAt!.explanationCode, webDb.blockedAt!.direction], [t.acl.db, "SUBNET_ACL_RESTRICTION", "ingress"]);
    assert.match(renderProbe(webDb), /blocked on the request at network-acl acl-/);
  });

  it("removing the app ACL's outbound ephemeral entry breaks the reply at that ACL; restoring it heals", async () => {
    await ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: t.acl.app, Egress: true, RuleNumber: 100 }));
    const a = await analyse({ Source: t.instance.web, Destination: t.instance.app, DestinationPort: 8080 });
    assert.equal(a.NetworkPathFound, false);
    const e = a.Explanations![0];
    assert.deepEqual([e.ExplanationCode, e.Component!.Id, e.Direction], ["SUBNET_ACL_RESTRICTION", t.acl.app, "egress"]);
    // The request itself went all the way: the forward path reached the app's interface.
    assert.equal(a.ForwardPathComponents!.at(-1)!.Component!.Id, t.eni.app);
    const p = await probe(cb.endpoint, { from: t.instance.web, to: t.instance.app, port: 8080 });
    assert.equal(p.verdict, "REJECT");
    assert.deepEqual([p.blockedAt!.path, p.blockedAt!.componentId, p.blockedAt!.direction], ["return", t.acl.app, "egress"]);
    await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: t.acl.app, Egress: true, RuleNumber: 100, Protocol: "tcp", PortRange: { From: 1024, To: 65535 }, CidrBlock: "10.0.1.0/24", RuleAction: "allow" }));
    assert.equal((await probe(cb.endpoint, { from: t.instance.web, to: t.instance.app, port: 8080 })).verdict, "ACCEPT");
  });

  it("Describe filters, paging, deletes and AWS's errors", async () => {
    const path = (await ec2.send(new CreateNetworkInsightsPathCommand({ Source: t.eni.db, Destination: t.eni.app, Protocol: "tcp", DestinationPort: 5000, TagSpecifications: [{ ResourceType: "network-insights-path", Tags: [{ Key: "team", Value: "net" }] }] }))).NetworkInsightsPath!;
    assert.deepEqual(path.Tags, [{ Key: "team", Value: "net" }]);
    const byProto = (await ec2.send(new DescribeNetworkInsightsPathsCommand({ Filters: [{ Name: "destination-port", Values: ["5000"] }] }))).NetworkInsightsPaths!;
    assert.deepEqual(byProto.map((p) => p.NetworkInsightsPathId), [path.NetworkInsightsPathId]);
    const byTag = (await ec2.send(new DescribeNetworkInsightsPathsCommand({ Filters: [{ Name: "tag:team", Values: ["net"] }] }))).NetworkInsightsPaths!;
    assert.equal(byTag.length, 1);
    const page = await ec2.send(new DescribeNetworkInsightsPathsCommand({ MaxResults: 2 }));
    assert.equal(page.NetworkInsightsPaths!.length, 2);
    assert.ok(page.NextToken);
    const started = (await ec2.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId }))).NetworkInsightsAnalysis!;
    const notFound = (await ec2.send(new DescribeNetworkInsightsAnalysesCommand({ Filters: [{ Name: "path-found", Values: ["false"] }] }))).NetworkInsightsAnalyses!;
    assert.ok(notFound.every((a) => a.NetworkPathFound === false));
    const ofPath = (await ec2.send(new DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId }))).NetworkInsightsAnalyses!;
    assert.deepEqual(ofPath.map((a) => a.NetworkInsightsAnalysisId), [started.NetworkInsightsAnalysisId]);
    // db -> app on 5000: both ACLs let it through (ephemeral range), the app group only allows 8080 from web.
    assert.equal(ofPath[0].Explanations![0].ExplanationCode, "ENI_SG_RULES_MISMATCH");
    assert.deepEqual(ofPath[0].Explanations![0].SecurityGroups!.map((g) => g.Id), [t.sg.app]);

    assert.equal((await ec2.send(new DeleteNetworkInsightsAnalysisCommand({ NetworkInsightsAnalysisId: started.NetworkInsightsAnalysisId }))).NetworkInsightsAnalysisId, started.NetworkInsightsAnalysisId);
    assert.equal((await ec2.send(new DeleteNetworkInsightsPathCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId }))).NetworkInsightsPathId, path.NetworkInsightsPathId);

    const code = async (p: Promise<unknown>) => {
      try {
        await p;
        return "ok";
      } catch (e) {
        return `${(e as { name: string }).name} ${(e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode}`;
      }
    };
    assert.equal(await code(ec2.send(new DescribeNetworkInsightsPathsCommand({ NetworkInsightsPathIds: [path.NetworkInsightsPathId!] }))), "InvalidNetworkInsightsPathId.NotFound 400");
    assert.equal(await code(ec2.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: "nip-0123456789abcdef0" }))), "InvalidNetworkInsightsPathId.NotFound 400");
    assert.equal(await code(ec2.send(new DeleteNetworkInsightsAnalysisCommand({ NetworkInsightsAnalysisId: "nia-0123456789abcdef0" }))), "InvalidNetworkInsightsAnalysisId.NotFound 400");
    assert.equal(await code(ec2.send(new CreateNetworkInsightsPathCommand({ Source: "i-0123456789abcdef0", Destination: t.instance.app, Protocol: "tcp" }))), "InvalidInstanceID.NotFound 400");
    assert.equal(await code(ec2.send(new CreateNetworkInsightsPathCommand({ Source: t.instance.web, Destination: t.instance.app, Protocol: "icmp" as "tcp" }))), "InvalidParameterValue 400");
    assert.equal(await code(ec2.send(new CreateNetworkInsightsPathCommand({ Source: t.instance.web, Protocol: "tcp" }))), "MissingParameter 400");
    assert.equal(await code(ec2.send(new CreateNetworkInsightsPathCommand({ Source: t.sg.web, Destination: t.instance.app, Protocol: "tcp" }))), "InvalidParameterValue 400");
    assert.equal(await code(ec2.send(new CreateNetworkInsightsPathCommand({ Source: t.instance.web, Destination: t.instance.app, Protocol: "tcp", DryRun: true }))), "DryRunOperation 412");
    // Another account cannot name this account's instances.
    const other = new EC2Client({ ...cb.clientConfig, credentials: { accessKeyId: "111111111111", secretAccessKey: "x" } });
    assert.equal(await code(other.send(new CreateNetworkInsightsPathCommand({ Source: t.instance.web, Destination: t.instance.app, Protocol: "tcp" }))), "InvalidInstanceID.NotFound 400");
  });

  it("probe input errors answer 400", async () => {
    await assert.rejects(probe(cb.endpoint, { from: t.instance.web, to: t.instance.app }), /port/);
    await assert.rejects(probe(cb.endpoint, { from: "", to: t.instance.app, port: 1 }), /from/);
    await assert.rejects(probe(cb.endpoint, { from: t.instance.web, to: t.instance.app, port: 1, protocol: "gre" }), /protocol/);
  });
});
