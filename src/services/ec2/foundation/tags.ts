/**
 * Tagging, shared by every EC2 resource: CreateTags, DeleteTags, DescribeTags, and the
 * TagSpecifications of Create* calls.
 * Rules (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions):
 * at most 50 tags per resource, keys 1..128 and values 0..256 characters, keys starting with
 * "aws:" are reserved.
 */
import type { StorePort } from "../../../core/index.js";
import { commonErrors, opDefiner } from "../../../core/index.js";
import { applyFilters, type FilterTable } from "../filters.js";
import { checkDryRun } from "./dry-run.js";
import { allTags, getResource, removeTags, scopeOf, setTags, tagsOf, type Ec2Tag, type Scope, type TagRow } from "./resource-store.js";
import { invalidId, notFound, typeOfId } from "./resource-types.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

export const MAX_TAGS_PER_RESOURCE = 50;

export const validateTags = (tags: readonly Ec2Tag[]): void => {
  for (const tag of tags) {
    const key = tag.Key ?? "";
    if (key.length < 1 || key.length > 128) throw commonErrors.invalidParameterValue(`Tag key must be between 1 and 128 characters: '${key}'`);
    if ((tag.Value ?? "").length > 256) throw commonErrors.invalidParameterValue(`Tag value must be at most 256 characters for key '${key}'`);
    if (key.toLowerCase().startsWith("aws:")) throw commonErrors.invalidParameterValue(`Tag keys starting with 'aws:' are reserved for internal use`);
  }
};

const assertTagLimit = (store: StorePort, id: string, adding: readonly Ec2Tag[]): void => {
  const existing = new Set((tagsOf(store, [id]).get(id) ?? []).map((t) => t.Key));
  for (const t of adding) existing.add(t.Key);
  if (existing.size > MAX_TAGS_PER_RESOURCE) {
    throw commonErrors.invalidParameterValue(`The tag limit of ${MAX_TAGS_PER_RESOURCE} tags per resource was exceeded for resource ${id}`);
  }
};

interface TagSpecification {
  ResourceType?: string;
  Tags?: Ec2Tag[];
}

/**
 * Applies the TagSpecifications of a Create* call to the resource it created. A specification
 * for another resource type than the call creates is refused, as EC2 does.
 */
export const applyTagSpecifications = (
  store: StorePort,
  scope: Scope,
  resourceType: string,
  id: string,
  specs: readonly TagSpecification[] | undefined,
  otherAllowedTypes: readonly string[] = [],
): Ec2Tag[] => {
  const applied: Ec2Tag[] = [];
  for (const spec of specs ?? []) {
    if (spec.ResourceType !== resourceType) {
      if (spec.ResourceType && otherAllowedTypes.includes(spec.ResourceType)) continue;
      throw commonErrors.invalidParameterValue(`'${spec.ResourceType ?? ""}' is not a valid taggable resource type for this operation.`);
    }
    validateTags(spec.Tags ?? []);
    applied.push(...(spec.Tags ?? []));
  }
  if (applied.length) {
    assertTagLimit(store, id, applied);
    setTags(store, scope, id, applied);
  }
  return applied;
};

/** Validates TagSpecifications before anything is created (so nothing is half-created). */
export const validateTagSpecifications = (specs: readonly TagSpecification[] | undefined, allowedTypes: readonly string[]): void => {
  for (const spec of specs ?? []) {
    if (!spec.ResourceType || !allowedTypes.includes(spec.ResourceType)) {
      throw commonErrors.invalidParameterValue(`'${spec.ResourceType ?? ""}' is not a valid taggable resource type for this operation.`);
    }
    validateTags(spec.Tags ?? []);
    if ((spec.Tags ?? []).length > MAX_TAGS_PER_RESOURCE) {
      throw commonErrors.invalidParameterValue(`The tag limit of ${MAX_TAGS_PER_RESOURCE} tags per resource was exceeded`);
    }
  }
};

/** Every id must name an existing resource that the caller owns. */
const assertTaggable = (store: StorePort, scope: Scope, ids: readonly string[]): void => {
  for (const id of ids) {
    const info = typeOfId(id);
    if (!info) throw invalidId(id);
    if (!getResource(store, scope, info.type, id, { owned: true })) throw notFound(info.type, id);
  }
};

export const createTags = defineOp("CreateTags", (input, ctx) => {
  const scope = scopeOf(ctx);
  const ids = input.Resources ?? [];
  const tags = input.Tags ?? [];
  validateTags(tags);
  assertTaggable(ctx.store, scope, ids);
  for (const id of ids) assertTagLimit(ctx.store, id, tags);
  checkDryRun(input);
  for (const id of ids) setTags(ctx.store, scope, id, tags);
  return {};
});

export const deleteTags = defineOp("DeleteTags", (input, ctx) => {
  const scope = scopeOf(ctx);
  const ids = input.Resources ?? [];
  assertTaggable(ctx.store, scope, ids);
  checkDryRun(input);
  for (const id of ids) removeTags(ctx.store, id, input.Tags);
  return {};
});

const tagFilters: FilterTable<TagRow> = {
  key: (r) => r.key,
  value: (r) => r.value,
  "resource-id": (r) => r.resource_id,
  "resource-type": (r) => r.type,
};

export const describeTags = defineOp("DescribeTags", (input, ctx) => {
  const rows = applyFilters(allTags(ctx.store, scopeOf(ctx)), input.Filters, tagFilters);
  checkDryRun(input);
  const max = input.MaxResults;
  if (max !== undefined && (max < 5 || max > 1000)) {
    throw commonErrors.invalidParameterValue(`Value ( ${max} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
  }
  const offset = input.NextToken ? Number(Buffer.from(input.NextToken, "base64url").toString("utf8")) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw commonErrors.invalidParameterValue(`Invalid value '${input.NextToken}' for nextToken`);
  const page = max === undefined ? rows.slice(offset) : rows.slice(offset, offset + max);
  const next = max !== undefined && offset + max < rows.length ? Buffer.from(String(offset + max), "utf8").toString("base64url") : undefined;
  return {
    Tags: page.map((r) => ({ ResourceId: r.resource_id, ResourceType: r.type as never, Key: r.key, Value: r.value })),
    NextToken: next,
  };
});

export const tagOperations = [createTags, deleteTags, describeTags];
