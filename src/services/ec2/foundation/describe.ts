/**
 * The shape every EC2 Describe* call shares, so each resource family only states its rules:
 * - explicit ids: each must exist and be visible to the caller, else the family's NotFound error
 *   (EC2 names the first missing id, e.g. InvalidVpcID.NotFound "The vpc ID 'vpc-1' does not exist");
 * - filters (filters.ts), including tag:Key, tag-key and tag-value;
 * - pagination: MaxResults (EC2 allows 5..1000 on most calls; smaller or larger values are
 *   InvalidParameterValue) and an opaque NextToken; MaxResults together with explicit ids is
 *   refused as EC2 does ("The parameter vpcIds cannot be used with the parameter maxResults").
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html#api-pagination
 */
import type { AwsError, StorePort } from "../../../core/index.js";
import { commonErrors } from "../../../core/index.js";
import { compileFilters, type Ec2Filter, type FilterTable } from "../filters.js";
import { listResources, tagsOf, type Ec2Tag, type Scope } from "./resource-store.js";

export interface DescribeRequest {
  ids?: readonly string[];
  /** The wire name of the ids parameter, for error messages (e.g. "vpcIds"). */
  idsParameter?: string;
  filters?: readonly Ec2Filter[];
  maxResults?: number;
  nextToken?: string;
}

export interface DescribeSpec<T> {
  type: string;
  /** The id field of the document (e.g. "VpcId"). */
  idOf: (doc: T) => string;
  notFound: (id: string) => AwsError;
  filters: FilterTable<T & { Tags?: Ec2Tag[] }>;
  /** Paging limits; omit for calls that do not paginate. */
  paging?: { min: number; max: number };
  /** Extra SQL-level narrowing, e.g. { parent: vpcId }. */
  parent?: string;
  /**
   * Filters that name one top-level string field of the document, answered in SQL when their
   * values have no wildcards, e.g. { "group-name": "$.GroupName" }.
   */
  sqlFields?: Readonly<Record<string, string>>;
}

export interface DescribePage<T> {
  items: Array<T & { Tags?: Ec2Tag[] }>;
  nextToken?: string;
}

const encodeToken = (offset: number): string => Buffer.from(JSON.stringify({ o: offset }), "utf8").toString("base64url");

const decodeToken = (token: string): number => {
  try {
    const o = (JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { o?: unknown }).o;
    if (typeof o === "number" && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // fall through
  }
  throw commonErrors.invalidParameterValue(`Invalid value '${token}' for nextToken`);
};

const exact = (values: readonly string[] | undefined): values is string[] => !!values?.length && values.every((v) => !/[*?\\]/.test(v));

/** Exact-valued field filters that the spec maps to a JSON path. */
const sqlFieldFilters = (filters: readonly Ec2Filter[] | undefined, paths: Readonly<Record<string, string>> | undefined) =>
  (filters ?? []).flatMap((f) => (f.Name && paths?.[f.Name] && exact(f.Values) ? [{ path: paths[f.Name], values: f.Values }] : []));

/** Exact-valued tag filters can be answered in SQL; wildcard values cannot. */
const sqlTagFilter = (filters: readonly Ec2Filter[] | undefined): { key: string; values: string[] } | undefined => {
  for (const f of filters ?? []) {
    if (f.Name?.startsWith("tag:") && exact(f.Values)) {
      return { key: f.Name.slice(4), values: f.Values };
    }
  }
  return undefined;
};

/** Refuses MaxResults with ids and MaxResults out of the call's range, before any work. */
const checkPaging = (paging: { min: number; max: number } | undefined, req: DescribeRequest): void => {
  if (!paging) return;
  if (req.ids?.length && req.maxResults !== undefined) {
    throw commonErrors.invalidParameterValue(`The parameter ${req.idsParameter ?? "ids"} cannot be used with the parameter maxResults`);
  }
  if (req.maxResults !== undefined) {
    const { min, max } = paging;
    if (!Number.isInteger(req.maxResults) || req.maxResults < min || req.maxResults > max) {
      throw commonErrors.invalidParameterValue(
        `Value ( ${req.maxResults} ) for parameter maxResults is invalid. Expecting a value between ${min} and ${max}.`,
      );
    }
  }
};

/** What describeList needs of a resource family: DescribeSpec without the store's narrowing. */
export type ListSpec<T> = Pick<DescribeSpec<T>, "idOf" | "notFound" | "filters" | "paging">;

/** Ids (first missing id → NotFound), tags, filters and one page, over documents already loaded. */
const selectPage = <T>(store: StorePort, docs: readonly T[], spec: ListSpec<T>, req: DescribeRequest): DescribePage<T> => {
  const keep = compileFilters(req.filters, spec.filters, { tags: (item) => item.Tags });
  const ids = req.ids?.length ? req.ids : undefined;
  let selected = docs;
  if (ids) {
    const found = new Set(docs.map(spec.idOf));
    const missing = ids.find((id) => !found.has(id));
    if (missing !== undefined) throw spec.notFound(missing);
    selected = docs.filter((d) => ids.includes(spec.idOf(d)));
  }
  const tags = tagsOf(store, selected.map(spec.idOf));
  const matching = selected
    .map((d) => {
      const t = tags.get(spec.idOf(d));
      return (t ? { ...d, Tags: t } : d) as T & { Tags?: Ec2Tag[] };
    })
    .filter(keep);
  if (!spec.paging || (req.maxResults === undefined && req.nextToken === undefined)) return { items: matching };
  const offset = req.nextToken ? decodeToken(req.nextToken) : 0;
  const size = req.maxResults ?? spec.paging.max;
  const items = matching.slice(offset, offset + size);
  return { items, nextToken: offset + size < matching.length ? encodeToken(offset + size) : undefined };
};

/** Describe* over the resource store: exact tag and field filters narrow the SQL query. */
export const describe = <T>(store: StorePort, scope: Scope, spec: DescribeSpec<T>, req: DescribeRequest): DescribePage<T> => {
  checkPaging(spec.paging, req);
  const docs = listResources<T>(store, scope, spec.type, {
    ids: req.ids?.length ? req.ids : undefined,
    parent: spec.parent,
    tag: sqlTagFilter(req.filters),
    fields: sqlFieldFilters(req.filters, spec.sqlFields),
  });
  return selectPage(store, docs, spec, req);
};

/**
 * Describe* over a list the caller built (resources visible across Regions, kept outside the
 * resource store: connectivity/store.ts), with the same rules as describe.
 */
export const describeList = <T>(store: StorePort, docs: readonly T[], spec: ListSpec<T>, req: DescribeRequest): DescribePage<T> => {
  checkPaging(spec.paging, req);
  return selectPage(store, docs, spec, req);
};

/** Resources without Tags in the output get `Tags` only when they have some, as EC2 does. */
export const withTags = <T extends object>(doc: T, tags: Ec2Tag[] | undefined): T & { Tags?: Ec2Tag[] } =>
  tags && tags.length ? { ...doc, Tags: tags } : doc;
