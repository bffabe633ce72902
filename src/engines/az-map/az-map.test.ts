/**
 * Table-driven tests of the AZ map engine, with the real Region data and node:crypto's sha256.
 * Run: node --import tsx --test src/engines/az-map/az-map.test.ts
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import regionsJson from "../../../data/regions.json" with { type: "json" };
import { AzMapError, createAzMap, permutation, type AzPins, type AzRegionData } from "./az-map.js";

const regions = regionsJson as readonly AzRegionData[];
const sha256 = (s: string): Uint8Array => createHash("sha256").update(s, "utf8").digest();
const map = createAzMap({ regions, sha256 });

const mapped = regions.filter((r) => r.independentlyMappedAzNames).map((r) => r.region);
const fixed = regions.filter((r) => !r.independentlyMappedAzNames).map((r) => r.region);

/** Deterministic pseudo-random 12-digit accounts (no Math.random in tests either: reproducible). */
const accounts = (count: number, seed: string): string[] =>
  Array.from({ length: count }, (_, i) => {
    const h = createHash("sha256").update(`${seed}:${i}`).digest();
    return (h.readBigUInt64BE(0) % 1_000_000_000_000n).toString().padStart(12, "0");
  });

const sample = ["000000000000", "111111111111", "222222222222", "123456789012", ...accounts(20, "sample")];

const ids = (account: string, region: string): string[] => map.zones(account, region)!.map((z) => z.zoneId);
const names = (account: string, region: string): string[] => map.zones(account, region)!.map((z) => z.zoneName);

describe("az-map engine", () => {
  it("knows the eight independently mapped Regions of the data", () => {
    assert.deepEqual([...mapped].sort(), [
      "ap-northeast-1", "ap-southeast-1", "ap-southeast-2", "eu-west-1", "sa-east-1", "us-east-1", "us-west-1", "us-west-2",
    ]);
  });

  for (const r of regions) {
    it(`${r.region}: every account sees exactly the Region's AZ IDs under names a, b, c…`, () => {
      const expectedNames = r.azIds.map((_, i) => r.region + "abcdefghijklmnopqrstuvwxyz"[i]);
      for (const account of sample) {
        assert.deepEqual([...ids(account, r.region)].sort(), [...r.azIds].sort(), `${account} ${r.region}`);
        assert.deepEqual(names(account, r.region), expectedNames);
      }
    });
  }

  for (const region of mapped) {
    it(`${region}: most pairs of accounts see different mappings`, () => {
      const accs = accounts(200, `pairs-${region}`);
      let differ = 0;
      for (let i = 0; i < 100; i++) {
        if (ids(accs[2 * i], region).join() !== ids(accs[2 * i + 1], region).join()) differ++;
      }
      // A Region with n AZs has n! mappings: two random accounts agree with probability 1/n!
      // (1/2 for us-west-1's two AZs, 1/6 for three AZs, 1/720 for us-east-1's six).
      const n = regions.find((r) => r.region === region)!.azIds.length;
      const minimum = n >= 6 ? 95 : n >= 3 ? 70 : 30;
      assert.ok(differ >= minimum, `${region}: only ${differ}/100 pairs differ (minimum ${minimum})`);
    });
  }

  it("us-east-1: at least 80 of 100 random pairs differ (the issue's bar)", () => {
    const accs = accounts(200, "us-east-1-80");
    let differ = 0;
    for (let i = 0; i < 100; i++) if (ids(accs[2 * i], "us-east-1").join() !== ids(accs[2 * i + 1], "us-east-1").join()) differ++;
    assert.ok(differ >= 80, `${differ}/100`);
  });

  it("us-east-1: every permutation position is used (the shuffle is not stuck)", () => {
    const seen = new Map<string, Set<string>>();
    for (const account of accounts(300, "coverage")) {
      for (const z of map.zones(account, "us-east-1")!) {
        const s = seen.get(z.zoneName) ?? new Set();
        s.add(z.zoneId);
        seen.set(z.zoneName, s);
      }
    }
    for (const [name, s] of seen) assert.equal(s.size, 6, `${name} maps to only ${[...s].join(",")}`);
  });

  for (const region of fixed) {
    it(`${region}: every account sees the same mapping, names in AZ-ID order`, () => {
      const r = regions.find((x) => x.region === region)!;
      for (const account of sample) assert.deepEqual(ids(account, region), [...r.azIds]);
    });
  }

  it("is deterministic: a second engine instance gives the same answers", () => {
    const again = createAzMap({ regions, sha256 });
    for (const account of sample) for (const r of regions) assert.deepEqual(again.zones(account, r.region), map.zones(account, r.region));
  });

  // Known vectors: if one of these changes, every user's stored AZ names move. Do not update them
  // without a migration story.
  const vectors: Array<[account: string, region: string, zoneIds: string[]]> = [
    ["111111111111", "us-east-1", ["use1-az5", "use1-az1", "use1-az2", "use1-az4", "use1-az6", "use1-az3"]],
    ["222222222222", "us-east-1", ["use1-az4", "use1-az5", "use1-az2", "use1-az3", "use1-az1", "use1-az6"]],
    ["111111111111", "eu-west-1", ["euw1-az3", "euw1-az1", "euw1-az2"]],
    ["222222222222", "eu-west-1", ["euw1-az2", "euw1-az1", "euw1-az3"]],
    ["111111111111", "eu-central-1", ["euc1-az1", "euc1-az2", "euc1-az3"]],
    ["222222222222", "eu-central-1", ["euc1-az1", "euc1-az2", "euc1-az3"]],
  ];
  for (const [account, region, expected] of vectors) {
    it(`known vector ${account} ${region}`, () => assert.deepEqual(ids(account, region), expected));
  }

  it("permutation() is a permutation for every size and uses more digest words when needed", () => {
    for (let n = 1; n <= 26; n++) {
      const p = permutation(sha256, "111111111111", "x-test-1", n);
      assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
    }
  });

  it("zoneIdFor and zoneNameFor are inverse and per account", () => {
    for (const account of sample) {
      for (const z of map.zones(account, "us-east-1")!) {
        assert.equal(map.zoneIdFor(account, "us-east-1", z.zoneName), z.zoneId);
        assert.equal(map.zoneNameFor(account, "us-east-1", z.zoneId), z.zoneName);
      }
    }
    assert.equal(map.zoneIdFor("111111111111", "us-east-1", "us-east-1a"), "use1-az5");
    assert.equal(map.zoneNameFor("222222222222", "us-east-1", "use1-az5"), "us-east-1b");
    assert.equal(map.zoneIdFor("111111111111", "us-east-1", "us-east-1z"), undefined);
    assert.equal(map.zoneNameFor("111111111111", "us-east-1", "euw1-az1"), undefined);
    assert.equal(map.zones("111111111111", "xx-nowhere-1"), undefined);
    assert.equal(map.zoneIdFor("111111111111", "xx-nowhere-1", "xx-nowhere-1a"), undefined);
  });

  describe("pins", () => {
    // The shape of real `aws ec2 describe-availability-zones` output (fields trimmed to the ones
    // the engine reads plus a few it must ignore).
    const realUsEast1 = {
      AvailabilityZones: [
        ["us-east-1a", "use1-az6"], ["us-east-1b", "use1-az1"], ["us-east-1c", "use1-az2"],
        ["us-east-1d", "use1-az4"], ["us-east-1e", "use1-az3"], ["us-east-1f", "use1-az5"],
      ].map(([ZoneName, ZoneId]) => ({
        State: "available", OptInStatus: "opt-in-not-required", Messages: [], RegionName: "us-east-1",
        ZoneName, ZoneId, GroupName: "us-east-1-zg-1", NetworkBorderGroup: "us-east-1", ZoneType: "availability-zone",
      })),
    };
    const realUsWest1 = {
      AvailabilityZones: [
        { RegionName: "us-west-1", ZoneName: "us-west-1b", ZoneId: "usw1-az3", ZoneType: "availability-zone" },
        { RegionName: "us-west-1", ZoneName: "us-west-1c", ZoneId: "usw1-az1", ZoneType: "availability-zone" },
        { RegionName: "us-west-1", ZoneName: "us-west-1-lax-1a", ZoneId: "usw1-lax1-az1", ZoneType: "local-zone" },
      ],
    };
    const pins: AzPins = { "333333333333": [realUsEast1, realUsWest1], "444444444444": realUsEast1 };
    const pinned = createAzMap({ regions, sha256, pins });

    it("a pinned Region uses exactly the given pairs", () => {
      assert.deepEqual(
        pinned.zones("333333333333", "us-east-1")!.map((z) => [z.zoneName, z.zoneId]),
        realUsEast1.AvailabilityZones.map((z) => [z.ZoneName, z.ZoneId]),
      );
      assert.deepEqual(pinned.zones("444444444444", "us-east-1"), pinned.zones("333333333333", "us-east-1"));
      assert.equal(pinned.isPinned("333333333333", "us-east-1"), true);
    });

    it("pins keep the real letters (gaps included) and ignore Local Zones", () => {
      assert.deepEqual(pinned.zones("333333333333", "us-west-1"), [
        { zoneName: "us-west-1b", zoneId: "usw1-az3" },
        { zoneName: "us-west-1c", zoneId: "usw1-az1" },
      ]);
      assert.equal(pinned.zoneNameFor("333333333333", "us-west-1", "usw1-az1"), "us-west-1c");
    });

    it("Regions and accounts without a pin keep the hashed mapping", () => {
      assert.equal(pinned.isPinned("333333333333", "eu-west-1"), false);
      assert.deepEqual(pinned.zones("333333333333", "eu-west-1"), map.zones("333333333333", "eu-west-1"));
      assert.deepEqual(pinned.zones("111111111111", "us-east-1"), map.zones("111111111111", "us-east-1"));
    });

    const bad: Array<[string, unknown, RegExp]> = [
      ["non-account key", { abc: realUsEast1 }, /12-digit/],
      ["not an output", { "333333333333": { Zones: [] } }, /describe-availability-zones/],
      ["foreign AZ ID", { "333333333333": { AvailabilityZones: [{ RegionName: "us-east-1", ZoneName: "us-east-1a", ZoneId: "euw1-az1" }] } }, /not an AZ ID of us-east-1/],
      ["unknown Region", { "333333333333": { AvailabilityZones: [{ RegionName: "xx-nowhere-1", ZoneName: "xx-nowhere-1a", ZoneId: "xxn1-az1" }] } }, /unknown Region/],
      ["zone name of another Region", { "333333333333": { AvailabilityZones: [{ RegionName: "us-east-1", ZoneName: "us-west-2a", ZoneId: "use1-az1" }] } }, /not an Availability Zone of us-east-1/],
      ["AZ ID twice", { "333333333333": { AvailabilityZones: [
        { RegionName: "us-east-1", ZoneName: "us-east-1a", ZoneId: "use1-az1" },
        { RegionName: "us-east-1", ZoneName: "us-east-1b", ZoneId: "use1-az1" },
      ] } }, /pinned twice/],
      ["missing ZoneId", { "333333333333": { AvailabilityZones: [{ RegionName: "us-east-1", ZoneName: "us-east-1a" }] } }, /ZoneName and ZoneId/],
    ];
    for (const [name, value, message] of bad) {
      it(`rejects invalid pins: ${name}`, () => {
        assert.throws(() => createAzMap({ regions, sha256, pins: value as AzPins }), (e: unknown) => e instanceof AzMapError && message.test(e.message));
      });
    }

    it("accepts documented IDs that the data's account does not see (us-west-1 usw1-az2)", () => {
      const m = createAzMap({ regions, sha256, pins: { "555555555555": { AvailabilityZones: [
        { ZoneName: "us-west-1a", ZoneId: "usw1-az2" }, { ZoneName: "us-west-1b", ZoneId: "usw1-az1" },
      ] } } });
      assert.equal(m.zoneIdFor("555555555555", "us-west-1", "us-west-1a"), "usw1-az2");
    });
  });
});
