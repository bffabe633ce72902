/** The reusable EC2 filter helper (src/services/ec2/filters.ts): wildcards, AND/OR, tags, errors. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isAwsError } from "../../src/core/index.js";
import { applyFilters, matchesAny, wildcardMatch, type Ec2Tag, type FilterTable } from "../../src/services/ec2/filters.js";

interface Item {
  id: string;
  state: string;
  cidrs: string[];
  tags: Ec2Tag[];
}
const items: Item[] = [
  { id: "vpc-1", state: "available", cidrs: ["10.0.0.0/16"], tags: [{ Key: "Name", Value: "prod" }, { Key: "team", Value: "a" }] },
  { id: "vpc-2", state: "pending", cidrs: ["10.1.0.0/16", "10.2.0.0/16"], tags: [{ Key: "Name", Value: "dev-*" }] },
  { id: "vpc-3", state: "available", cidrs: [], tags: [] },
];
const table: FilterTable<Item> = { "vpc-id": (i) => i.id, state: (i) => i.state, "cidr-block": (i) => i.cidrs };
const ids = (filters: { Name: string; Values: string[] }[]) => applyFilters(items, filters, table, { tags: (i) => i.tags }).map((i) => i.id);

describe("ec2 filters", () => {
  const wildcard: Array<[pattern: string, value: string, matches: boolean]> = [
    ["abc", "abc", true],
    ["abc", "abcd", false],
    ["ABC", "abc", false],
    ["a*", "a", true],
    ["a*", "abc/def", true],
    ["*c", "abc", true],
    ["a?c", "abc", true],
    ["a?c", "ac", false],
    ["a\\*c", "a*c", true],
    ["a\\*c", "abc", false],
    ["a\\?c", "a?c", true],
    ["10.0.0.0/16", "10.0.0.0/16", true],
    ["10.0.0.0/16", "10a0.0.0/16", false],
    ["(x)+[y]", "(x)+[y]", true],
  ];
  for (const [pattern, value, matches] of wildcard) {
    it(`'${pattern}' ${matches ? "matches" : "does not match"} '${value}'`, () => assert.equal(wildcardMatch(pattern, value), matches));
  }

  it("values of one filter are ORed, filters are ANDed", () => {
    assert.deepEqual(ids([{ Name: "vpc-id", Values: ["vpc-1", "vpc-2"] }]), ["vpc-1", "vpc-2"]);
    assert.deepEqual(ids([{ Name: "vpc-id", Values: ["vpc-1", "vpc-2"] }, { Name: "state", Values: ["available"] }]), ["vpc-1"]);
  });

  it("list-valued fields match when any element matches", () => {
    assert.deepEqual(ids([{ Name: "cidr-block", Values: ["10.2.*"] }]), ["vpc-2"]);
    assert.equal(matchesAny(undefined, ["*"]), false);
  });

  it("tag:Key, tag-key, tag-value", () => {
    assert.deepEqual(ids([{ Name: "tag:Name", Values: ["prod"] }]), ["vpc-1"]);
    assert.deepEqual(ids([{ Name: "tag:Name", Values: ["*"] }]), ["vpc-1", "vpc-2"]);
    assert.deepEqual(ids([{ Name: "tag:Name", Values: ["dev-\\*"] }]), ["vpc-2"]);
    assert.deepEqual(ids([{ Name: "tag-key", Values: ["team"] }]), ["vpc-1"]);
    assert.deepEqual(ids([{ Name: "tag-value", Values: ["a", "dev*"] }]), ["vpc-1", "vpc-2"]);
  });

  it("an unknown filter name is InvalidParameterValue, tag filters too when the resource has no tags", () => {
    for (const [name, opts] of [["bogus", { tags: (i: Item) => i.tags }], ["tag:Name", {}]] as const) {
      assert.throws(
        () => applyFilters(items, [{ Name: name, Values: ["x"] }], table, opts),
        (e: unknown) => isAwsError(e) && e.code === "InvalidParameterValue" && e.status === 400 && e.message === `The filter '${name}' is invalid`,
      );
    }
  });
});

describe("wildcard matching stays linear on huge values", () => {
  it("a 70,000-character value and 20,000 wildcards answer without error", () => {
    assert.equal(wildcardMatch("x".repeat(70_000), "x".repeat(70_000)), true);
    assert.equal(wildcardMatch("*".repeat(20_000) + "a", "b".repeat(5_000) + "a"), true);
    assert.equal(wildcardMatch("?".repeat(20_000), "b".repeat(5_000)), false);
  });
});
