/**
 * examples/network-paths/run.sh, run with the AWS CLI v2 against an in-process Cloudbox: every
 * verdict it prints (Reachability Analyzer and probes, before and after removing the app ACL's
 * ephemeral-port entry) must be the expected one, and the flow log records must reach CloudWatch
 * Logs (two probes web -> db: one record of 2 packets, aggregated) (the script reads them back with filter-log-events).
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertVerdicts, exampleSuite } from "./helpers.js";

describe("examples/network-paths/run.sh", () => {
  const example = exampleSuite("network-paths");

  it("prints the expected verdicts and the REJECT flow log records", () => {
    const { out } = example;
    assertVerdicts(out, {
      analysis_web_to_app_8080: "True",
      analysis_internet_to_app_8080: "False",
      analysis_app_to_db_3306: "True",
      analysis_web_to_db_3306: "False",
      probe_web_to_app_8080: "ACCEPT",
      probe_internet_to_app_8080: "REJECT",
      probe_app_to_db_3306: "ACCEPT",
      probe_web_to_db_3306: "REJECT",
      probe_web_to_app_without_ephemeral: "REJECT",
      analysis_web_to_app_without_ephemeral: "False",
    });
    assert.match(out.stdout, /blocked: SUBNET_ACL_RESTRICTION\tacl-/);
    assert.match(out.stdout, /blocked on the reply at network-acl acl-\S+ \(egress\): SUBNET_ACL_RESTRICTION/);
    assert.match(out.stdout, /eni-\S+-all\t2 000000000000 eni-\S+ 10\.0\.1\.\d+ 10\.0\.21\.\d+ 49152 3306 6 2 128 \d+ \d+ REJECT OK/);
  });
});
