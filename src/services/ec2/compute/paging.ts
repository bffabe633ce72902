/**
 * Paging of in-memory lists (instance types, offerings, instance status) with the same
 * MaxResults validation and opaque NextToken as the foundation's describe()
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html#api-pagination).
 * Lists that are not resources (instance types) are paged to `max` items even without
 * MaxResults, so that a page never carries the whole catalogue; `pageAll: true` returns
 * everything when neither MaxResults nor NextToken is given.
 */
import { commonErrors } from "../../../core/index.js";

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

const encode = (offset: number): string => Buffer.from(JSON.stringify({ o: offset }), "utf8").toString("base64url");

const decode = (token: string): number => {
  try {
    const o = (JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { o?: unknown }).o;
    if (typeof o === "number" && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // fall through
  }
  throw commonErrors.invalidParameterValue(`Invalid value '${token}' for nextToken`);
};

export const checkMaxResults = (maxResults: number | undefined, limits: { min: number; max: number }): void => {
  if (maxResults === undefined) return;
  if (!Number.isInteger(maxResults) || maxResults < limits.min || maxResults > limits.max) {
    throw commonErrors.invalidParameterValue(
      `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between ${limits.min} and ${limits.max}.`,
    );
  }
};

export const pageOf = <T>(
  items: readonly T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
  limits: { min: number; max: number; pageAll?: boolean },
): Page<T> => {
  checkMaxResults(maxResults, limits);
  if (limits.pageAll && maxResults === undefined && !nextToken) return { items: [...items] };
  const offset = nextToken ? decode(nextToken) : 0;
  const size = maxResults ?? limits.max;
  return { items: items.slice(offset, offset + size), nextToken: offset + size < items.length ? encode(offset + size) : undefined };
};
