/**
 * Managed prefix lists as stored data: customer-managed lists are "prefix-list" resources of the
 * shared store (the API's ManagedPrefixList plus the entries of every version in `_versions`);
 * AWS-managed lists are computed per Region and never stored (every account of a Region sees
 * the same lists, owned by "AWS").
 *
 * AWS-managed lists: com.amazonaws.<region>.s3 and com.amazonaws.<region>.dynamodb, the lists
 * that gateway endpoints route to (https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html).
 * DEVIATION: their ids are derived from a hash of Region and service (stable per Region, but not
 * AWS's real ids), and their entries are illustrative: a few ranges of the service's published
 * ip-ranges style, not the live list. docs/deviations.md should carry this line.
 */
import { createHash } from "node:crypto";
import type { ManagedPrefixList, PrefixListEntry } from "@aws-sdk/client-ec2";
import type { StorePort } from "../../../core/index.js";
import { arn } from "../../../core/index.js";
import { getResource, type Scope } from "../foundation/index.js";

export interface StoredPrefixList extends Omit<ManagedPrefixList, "Tags"> {
  /** Entries by version (the current version is the last). */
  _versions: Array<{ version: number; entries: PrefixListEntry[] }>;
}

export interface AwsManagedList {
  list: ManagedPrefixList;
  entries: PrefixListEntry[];
}

const AWS_SERVICES: ReadonlyArray<{ service: string; entries: string[] }> = [
  // Illustrative ranges (see the DEVIATION above).
  { service: "s3", entries: ["52.216.0.0/15", "54.231.0.0/16", "3.5.0.0/19", "18.34.0.0/19"] },
  { service: "dynamodb", entries: ["52.94.0.0/22", "52.119.224.0/20", "3.218.180.0/22"] },
];

const awsListId = (region: string, service: string): string =>
  `pl-${createHash("sha256").update(`${region}/${service}`).digest("hex").slice(0, 8)}`;

/** The AWS-managed prefix lists of a Region. */
export const awsManagedLists = (region: string): AwsManagedList[] =>
  AWS_SERVICES.map(({ service, entries }) => {
    const id = awsListId(region, service);
    return {
      list: {
        PrefixListId: id,
        AddressFamily: "IPv4",
        State: "create-complete",
        PrefixListArn: arn({ service: "ec2", region, account: "aws", resource: `prefix-list/${id}` }),
        PrefixListName: `com.amazonaws.${region}.${service}`,
        MaxEntries: entries.length,
        Version: 1,
        OwnerId: "AWS",
      },
      entries: entries.map((Cidr) => ({ Cidr })),
    };
  });

export type FoundPrefixList = { kind: "aws"; aws: AwsManagedList } | { kind: "customer"; list: StoredPrefixList };

/** A prefix list the caller may reference: AWS-managed in the Region, or the caller's (or shared) own. */
export const findPrefixList = (store: StorePort, scope: Scope, id: string): FoundPrefixList | undefined => {
  const aws = awsManagedLists(scope.region).find((l) => l.list.PrefixListId === id);
  if (aws) return { kind: "aws", aws };
  const list = getResource<StoredPrefixList>(store, scope, "prefix-list", id);
  return list ? { kind: "customer", list } : undefined;
};

/** The API's ManagedPrefixList of a stored list (without the private fields). */
export const publicList = (l: StoredPrefixList): ManagedPrefixList => {
  const { _versions: _v, ...rest } = l;
  return rest;
};
