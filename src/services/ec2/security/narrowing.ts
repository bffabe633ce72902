/** Narrowing Describe* listings in SQL when a filter allows it (shared by security groups and network ACLs). */

/**
 * A `vpc-id` filter with one exact value narrows the listing in SQL (groups are stored under
 * their VPC); the filter itself still applies afterwards, so the answer is the same.
 */
export const exactVpcFilter = (filters: ReadonlyArray<{ Name?: string; Values?: string[] }> | undefined): string | undefined => {
  const f = (filters ?? []).filter((x) => x.Name === "vpc-id");
  if (f.length !== 1 || f[0].Values?.length !== 1 || /[*?\\]/.test(f[0].Values[0])) return undefined;
  return f[0].Values[0];
};
