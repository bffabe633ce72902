/**
 * Model snapshots (src/protocol/model-snapshot.ts, gateway/model-cache.ts): a model read back from
 * its JSON snapshot has the same shapes, traits, operations and errors as the model read from the
 * SDK package, for every service Cloudbox serves; and the cache is keyed so that it is reused.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadModel } from "../../src/gateway/model-cache.js";
import * as protocol from "../../src/protocol/index.js";
import { allServices } from "../../src/services/index.js";

for (const { identity } of allServices) {
  test(`${identity.name}: the snapshot of ${identity.sdkPackage} reads back as the same model`, async () => {
    const sdk = (await import(identity.sdkPackage)) as Record<string, unknown>;
    const model = protocol.loadServiceModel({ name: identity.name, protocol: identity.protocol, sdk, clientClass: identity.clientClass });
    const snapshot = protocol.snapshotModel(model);
    const restored = protocol.modelFromSnapshot(JSON.parse(JSON.stringify(snapshot)));
    // The snapshot is a canonical walk of every shape reachable from operations and errors, so
    // equal snapshots mean equal structures.
    assert.deepEqual(protocol.snapshotModel(restored), snapshot);
    assert.equal(restored.operations.size, model.operations.size);
    assert.ok(restored.operations.size > 10);
    for (const k of ["name", "protocol", "namespace", "version", "xmlNamespace", "targetPrefix", "jsonVersion"] as const) {
      assert.equal(restored[k], model[k], k);
    }
  });
}

test("EC2 from a snapshot keeps query names, list members and required members", async () => {
  const ec2 = allServices.find((s) => s.identity.name === "ec2")!.identity;
  const sdk = (await import(ec2.sdkPackage)) as Record<string, unknown>;
  const model = protocol.modelFromSnapshot(
    JSON.parse(JSON.stringify(protocol.snapshotModel(protocol.loadServiceModel({ name: "ec2", protocol: "ec2", sdk, clientClass: "EC2Client" })))),
  );
  const vpcs = model.operations.get("DescribeVpcs")!;
  const filters = vpcs.input.members.get("Filters")!;
  assert.equal(filters.kind, "list");
  assert.equal(filters.traits.xmlName, "Filter");
  assert.equal(filters.member!.name, "Filter");
  assert.equal(vpcs.output.members.get("Vpcs")!.traits.ec2QueryName, "VpcSet");
  assert.deepEqual([...model.operations.get("CreateSubnet")!.input.required], ["VpcId"]);
  // Recursive shapes resolve lazily without looping.
  const block = model.operations.get("DescribeSecurityGroups")!.output.members.get("SecurityGroups")!.member!;
  assert.equal(block.members.get("IpPermissions")!.member!.members.get("UserIdGroupPairs")!.kind, "list");
});

test("the cache writes one snapshot per SDK version and reads it back", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cloudbox-models-"));
  try {
    const sts = allServices.find((s) => s.identity.name === "sts")!.identity;
    const first = await loadModel(sts, protocol, dir);
    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    assert.match(files[0], /^aws-sdk__client-sts@\d+\.\d+\.\d+-[0-9a-f]{12}\.json$/);
    const second = await loadModel(sts, protocol, dir);
    assert.deepEqual(protocol.snapshotModel(second), protocol.snapshotModel(first));
    assert.equal(second.operations.get("AssumeRole")!.input.required.has("RoleArn"), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
