/**
 * Managed prefix lists: CreateManagedPrefixList, DescribeManagedPrefixLists,
 * GetManagedPrefixListEntries, ModifyManagedPrefixList, DeleteManagedPrefixList, and the older
 * DescribePrefixLists (AWS-managed lists of services only). Storage: prefix-list-store.ts.
 *
 * AWS rules reproduced (EC2 API Reference):
 * - CreateManagedPrefixList (API_CreateManagedPrefixList.html): PrefixListName required, up to
 *   255 characters, "Constraints: ... cannot start with com.amazonaws"; MaxEntries required;
 *   AddressFamily "IPv4 | IPv6"; Entries (at most MaxEntries) in that family.
 * - ModifyManagedPrefixList (API_ModifyManagedPrefixList.html): "Adding or removing entries in a
 *   prefix list creates a new version of the prefix list. Changing the name of the prefix list
 *   does not affect the version. If you specify a current version number that does not match the
 *   true current version number, the request fails" (PrefixListVersionMismatch); "You cannot
 *   modify the entries of a prefix list and modify the size of a prefix list at the same time";
 *   more entries than MaxEntries is PrefixListMaxEntriesExceeded (errors-overview).
 * - GetManagedPrefixListEntries: TargetVersion reads an earlier version.
 * - DeleteManagedPrefixList: "You must first remove all references to the prefix list in your
 *   resources." DEVIATION (code unconfirmed): a list still referenced by a security group rule
 *   or a route answers DependencyViolation; we found no stored AWS answer naming the code.
 * - AWS-managed lists cannot be modified or deleted (InvalidPrefixListModification).
 * - DescribeManagedPrefixLists filters owner-id, prefix-list-id, prefix-list-name; MaxResults
 *   1..100 (the API Reference's range for this call and for GetManagedPrefixListEntries).
 */
import type { ManagedPrefixList, PrefixListEntry } from "@aws-sdk/client-ec2";
import type { StorePort } from "../../../core/index.js";
import { arn, commonErrors, newResourceId, opDefiner } from "../../../core/index.js";
import { applyFilters, type FilterTable } from "../filters.js";
import {
  applyTagSpecifications,
  checkDryRun,
  deleteResource,
  getResource,
  listResources,
  notFound,
  putResource,
  scopeOf,
  tagsOf,
  validateTagSpecifications,
  type Ec2Tag,
  type Scope,
} from "../foundation/index.js";
import { canonicalIpv4Cidr, canonicalIpv6Cidr } from "./cidr.js";
import { securityErrors } from "./errors.js";
import { awsManagedLists, findPrefixList, publicList, type StoredPrefixList } from "./prefix-list-store.js";
import { assertRuleQuota, rulesOf, validateDescription, type StoredRule } from "./rules.js";

/** The security groups (owned by the caller) with a rule that references a prefix list. */
const groupsReferencing = (store: StorePort, scope: Scope, prefixListId: string): string[] => [
  ...new Set(
    listResources<StoredRule>(store, scope, "security-group-rule", { includeShared: false })
      .filter((r) => r.PrefixListId === prefixListId)
      .map((r) => r.GroupId!),
  ),
];

const quotaView = (r: StoredRule) => ({ IsEgress: !!r.IsEgress, CidrIpv4: r.CidrIpv4, CidrIpv6: r.CidrIpv6, PrefixListId: r.PrefixListId });

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

const PL = "prefix-list";
/** Quota "Prefix lists per Region" aside, a list holds at most 1000 entries (MaxEntries). */
const MAX_ENTRIES_LIMIT = 1000;

const canonical = (family: string, cidr: string | undefined): string => {
  const c = family === "IPv4" ? canonicalIpv4Cidr(cidr ?? "") : canonicalIpv6Cidr(cidr ?? "");
  if (!c) throw commonErrors.invalidParameterValue(`The CIDR '${cidr ?? ""}' is not a valid ${family} CIDR block.`);
  return c;
};

const validateEntries = (family: string, entries: ReadonlyArray<{ Cidr?: string; Description?: string }>): PrefixListEntry[] => {
  const seen = new Set<string>();
  return entries.map((e) => {
    const cidr = canonical(family, e.Cidr);
    if (seen.has(cidr)) throw commonErrors.invalidParameterValue(`The CIDR '${cidr}' is specified more than once.`);
    seen.add(cidr);
    validateDescription(e.Description);
    return { Cidr: cidr, ...(e.Description !== undefined ? { Description: e.Description } : {}) };
  });
};

const pageOf = <T>(items: T[], maxResults: number | undefined, nextToken: string | undefined, max = 100): { items: T[]; nextToken?: string } => {
  if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > max)) {
    throw commonErrors.invalidParameterValue(`Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between 1 and ${max}.`);
  }
  let offset = 0;
  if (nextToken) {
    offset = Number(Buffer.from(nextToken, "base64url").toString("utf8"));
    if (!Number.isInteger(offset) || offset < 0) throw commonErrors.invalidParameterValue(`Invalid value '${nextToken}' for nextToken`);
  }
  const size = maxResults ?? items.length;
  const page = items.slice(offset, offset + size);
  return { items: page, nextToken: offset + size < items.length ? Buffer.from(String(offset + size), "utf8").toString("base64url") : undefined };
};

const ownedList = (store: StorePort, scope: Scope, id: string | undefined, op: string): StoredPrefixList => {
  if (!id) throw commonErrors.missingParameter("PrefixListId");
  if (awsManagedLists(scope.region).some((l) => l.list.PrefixListId === id)) {
    throw securityErrors.invalidPrefixListModification(`The prefix list ${id} is AWS-managed and cannot be changed (${op}).`);
  }
  const l = getResource<StoredPrefixList>(store, scope, PL, id, { owned: true });
  if (!l) throw notFound(PL, id);
  return l;
};

const withTags = (store: StorePort, l: ManagedPrefixList): ManagedPrefixList => {
  const tags = tagsOf(store, [l.PrefixListId!]).get(l.PrefixListId!);
  return { ...l, Tags: tags ?? [] };
};

export const createManagedPrefixList = defineOp("CreateManagedPrefixList", (input, ctx) => {
  const scope = scopeOf(ctx);
  const name = input.PrefixListName;
  if (!name) throw commonErrors.missingParameter("PrefixListName");
  if (name.length > 255) throw commonErrors.invalidParameterValue("The prefix list name must be at most 255 characters.");
  if (name.toLowerCase().startsWith("com.amazonaws")) throw commonErrors.invalidParameterValue(`The prefix list name cannot start with com.amazonaws.`);
  if (input.MaxEntries === undefined) throw commonErrors.missingParameter("MaxEntries");
  if (!Number.isInteger(input.MaxEntries) || input.MaxEntries < 1 || input.MaxEntries > MAX_ENTRIES_LIMIT) {
    throw commonErrors.invalidParameterValue(`Value (${input.MaxEntries}) for parameter MaxEntries is invalid. Expecting a value between 1 and ${MAX_ENTRIES_LIMIT}.`);
  }
  if (input.AddressFamily === undefined) throw commonErrors.missingParameter("AddressFamily");
  if (input.AddressFamily !== "IPv4" && input.AddressFamily !== "IPv6") {
    throw commonErrors.invalidParameterValue(`Value (${input.AddressFamily}) for parameter AddressFamily is invalid. Valid values: IPv4, IPv6.`);
  }
  const entries = validateEntries(input.AddressFamily, input.Entries ?? []);
  if (entries.length > input.MaxEntries) throw securityErrors.prefixListMaxEntries();
  validateTagSpecifications(input.TagSpecifications, [PL]);
  checkDryRun(input);
  const id = newResourceId("pl");
  const doc: StoredPrefixList = {
    PrefixListId: id,
    AddressFamily: input.AddressFamily,
    State: "create-complete",
    PrefixListArn: arn({ service: "ec2", region: scope.region, account: scope.accountId, resource: `prefix-list/${id}` }),
    PrefixListName: name,
    MaxEntries: input.MaxEntries,
    Version: 1,
    OwnerId: scope.accountId,
    _versions: [{ version: 1, entries }],
  };
  putResource(ctx.store, scope, PL, id, doc);
  const tags = applyTagSpecifications(ctx.store, scope, PL, id, input.TagSpecifications);
  return { PrefixList: { ...publicList(doc), Tags: tags } };
});

type ListDoc = ManagedPrefixList & { Tags?: Ec2Tag[] };
const listFilters: FilterTable<ListDoc> = {
  "owner-id": (l) => l.OwnerId,
  "prefix-list-id": (l) => l.PrefixListId,
  "prefix-list-name": (l) => l.PrefixListName,
};

export const describeManagedPrefixLists = defineOp("DescribeManagedPrefixLists", (input, ctx) => {
  const scope = scopeOf(ctx);
  const own = listResources<StoredPrefixList>(ctx.store, scope, PL).map((l) => withTags(ctx.store, publicList(l)));
  let all: ListDoc[] = [...awsManagedLists(scope.region).map((a) => ({ ...a.list, Tags: [] })), ...own];
  const ids = input.PrefixListIds ?? [];
  for (const id of ids) if (!all.some((l) => l.PrefixListId === id)) throw notFound(PL, id);
  if (ids.length) all = all.filter((l) => ids.includes(l.PrefixListId!));
  all = applyFilters(all, input.Filters, listFilters, { tags: (l) => l.Tags });
  checkDryRun(input);
  const page = pageOf(all, input.MaxResults, input.NextToken);
  return { PrefixLists: page.items, NextToken: page.nextToken };
});

export const getManagedPrefixListEntries = defineOp("GetManagedPrefixListEntries", (input, ctx) => {
  const scope = scopeOf(ctx);
  if (!input.PrefixListId) throw commonErrors.missingParameter("PrefixListId");
  const found = findPrefixList(ctx.store, scope, input.PrefixListId);
  if (!found) throw notFound(PL, input.PrefixListId);
  let entries: PrefixListEntry[];
  if (found.kind === "aws") {
    if (input.TargetVersion !== undefined && input.TargetVersion !== 1) {
      throw commonErrors.invalidParameterValue(`The version ${input.TargetVersion} of prefix list ${input.PrefixListId} does not exist.`);
    }
    entries = found.aws.entries;
  } else {
    const versions = found.list._versions;
    const v = input.TargetVersion === undefined ? versions[versions.length - 1] : versions.find((x) => x.version === input.TargetVersion);
    if (!v) throw commonErrors.invalidParameterValue(`The version ${input.TargetVersion} of prefix list ${input.PrefixListId} does not exist.`);
    entries = v.entries;
  }
  checkDryRun(input);
  const page = pageOf(entries, input.MaxResults, input.NextToken);
  return { Entries: page.items, NextToken: page.nextToken };
});

export const modifyManagedPrefixList = defineOp("ModifyManagedPrefixList", (input, ctx) => {
  const scope = scopeOf(ctx);
  const list = ownedList(ctx.store, scope, input.PrefixListId, "ModifyManagedPrefixList");
  const current = list._versions[list._versions.length - 1];
  const changesEntries = (input.AddEntries?.length ?? 0) > 0 || (input.RemoveEntries?.length ?? 0) > 0;
  if (changesEntries && input.MaxEntries !== undefined) {
    throw commonErrors.invalidParameterValue("You cannot modify the entries of a prefix list and modify the size of a prefix list at the same time.");
  }
  if (input.CurrentVersion !== undefined && input.CurrentVersion !== list.Version) {
    throw securityErrors.prefixListVersionMismatch(input.CurrentVersion, list.Version!);
  }
  const family = list.AddressFamily!;
  let entries = current.entries;
  if (changesEntries) {
    const remove = (input.RemoveEntries ?? []).map((r) => canonical(family, r.Cidr));
    for (const c of remove) {
      if (!entries.some((e) => e.Cidr === c)) throw securityErrors.invalidPrefixListModification(`The CIDR ${c} is not an entry of ${list.PrefixListId}.`);
    }
    entries = entries.filter((e) => !remove.includes(e.Cidr!));
    const add = validateEntries(family, input.AddEntries ?? []);
    // Adding an existing CIDR replaces its description (EC2 updates the entry).
    for (const a of add) entries = [...entries.filter((e) => e.Cidr !== a.Cidr), a];
    if (entries.length > list.MaxEntries!) throw securityErrors.prefixListMaxEntries();
  }
  let maxEntries = list.MaxEntries!;
  if (input.MaxEntries !== undefined) {
    if (!Number.isInteger(input.MaxEntries) || input.MaxEntries < 1 || input.MaxEntries > MAX_ENTRIES_LIMIT) {
      throw commonErrors.invalidParameterValue(`Value (${input.MaxEntries}) for parameter MaxEntries is invalid. Expecting a value between 1 and ${MAX_ENTRIES_LIMIT}.`);
    }
    if (input.MaxEntries < entries.length) throw securityErrors.prefixListMaxEntries();
    maxEntries = input.MaxEntries;
  }
  checkDryRun(input);
  // "If any of the resources that reference the prefix list cannot support the new maximum size,
  // the modify operation fails. Check the state message for the IDs of the first ten resources
  // that do not support the new maximum size." (API_ModifyManagedPrefixList.html): the call
  // succeeds, the list goes to modify-failed and keeps its size.
  if (maxEntries > list.MaxEntries!) {
    const blocked = groupsReferencing(ctx.store, scope, list.PrefixListId!).filter((groupId) => {
      try {
        assertRuleQuota(ctx.store, scope, rulesOf(ctx.store, scope, groupId).map(quotaView), { prefixListId: list.PrefixListId!, maxEntries });
        return false;
      } catch {
        return true;
      }
    });
    if (blocked.length) {
      const failed: StoredPrefixList = {
        ...list,
        PrefixListName: input.PrefixListName ?? list.PrefixListName,
        State: "modify-failed",
        StateMessage: `The following resources do not support the new maximum size: ${blocked.slice(0, 10).join(", ")}`,
      };
      putResource(ctx.store, scope, PL, list.PrefixListId!, failed);
      return { PrefixList: withTags(ctx.store, publicList(failed)) };
    }
  }
  const version = changesEntries ? list.Version! + 1 : list.Version!;
  const doc: StoredPrefixList = {
    ...list,
    PrefixListName: input.PrefixListName ?? list.PrefixListName,
    MaxEntries: maxEntries,
    Version: version,
    State: "modify-complete",
    StateMessage: undefined,
    _versions: changesEntries ? [...list._versions, { version, entries }] : list._versions,
  };
  putResource(ctx.store, scope, PL, list.PrefixListId!, doc);
  return { PrefixList: withTags(ctx.store, publicList(doc)) };
});

export const deleteManagedPrefixList = defineOp("DeleteManagedPrefixList", (input, ctx) => {
  const scope = scopeOf(ctx);
  const list = ownedList(ctx.store, scope, input.PrefixListId, "DeleteManagedPrefixList");
  const id = list.PrefixListId!;
  const inRule = listResources<{ PrefixListId?: string }>(ctx.store, scope, "security-group-rule").some((r) => r.PrefixListId === id);
  const inRoute = listResources<{ Routes?: Array<{ DestinationPrefixListId?: string }> }>(ctx.store, scope, "route-table").some((t) =>
    (t.Routes ?? []).some((r) => r.DestinationPrefixListId === id),
  );
  if (inRule || inRoute) throw securityErrors.dependencyViolation(id);
  checkDryRun(input);
  const out = withTags(ctx.store, { ...publicList(list), State: "delete-complete" });
  deleteResource(ctx.store, id);
  return { PrefixList: out };
});

/** DescribePrefixLists: the AWS-managed lists of services ("prefix lists for AWS services"). */
const plFilters: FilterTable<{ PrefixListId?: string; PrefixListName?: string; Cidrs?: string[] }> = {
  "prefix-list-id": (l) => l.PrefixListId,
  "prefix-list-name": (l) => l.PrefixListName,
};

export const describePrefixLists = defineOp("DescribePrefixLists", (input, ctx) => {
  let lists = awsManagedLists(ctx.region).map((a) => ({
    PrefixListId: a.list.PrefixListId,
    PrefixListName: a.list.PrefixListName,
    Cidrs: a.entries.map((e) => e.Cidr!),
  }));
  const ids = input.PrefixListIds ?? [];
  for (const id of ids) if (!lists.some((l) => l.PrefixListId === id)) throw notFound(PL, id);
  if (ids.length) lists = lists.filter((l) => ids.includes(l.PrefixListId!));
  lists = applyFilters(lists, input.Filters, plFilters);
  checkDryRun(input);
  const page = pageOf(lists, input.MaxResults, input.NextToken, 1000);
  return { PrefixLists: page.items, NextToken: page.nextToken };
});

export const prefixListOperations = [
  createManagedPrefixList,
  describeManagedPrefixLists,
  getManagedPrefixListEntries,
  modifyManagedPrefixList,
  deleteManagedPrefixList,
  describePrefixLists,
];
