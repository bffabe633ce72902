/**
 * DescribeRegions from data/regions.json (the 34 commercial Regions of the `aws` partition).
 *
 * - Endpoint: ec2.<region>.amazonaws.com.
 * - OptInStatus: `opt-in-not-required` for Regions enabled by default, `not-opted-in` for opt-in
 *   Regions, `opted-in` for opt-in Regions listed in settings.optedInRegions.
 * - Without AllRegions only enabled Regions are listed (EC2 API Reference, DescribeRegions:
 *   "AllRegions: Indicates whether to display all Regions, including Regions that are disabled
 *   for your account."); RegionNames selects Regions, AllRegions or not.
 * - Filters: endpoint, opt-in-status, region-name.
 * - Geography: the "geography" column of the AWS Regions page, as the data holds it.
 */
import { opDefiner } from "../../core/index.js";
import { ec2Errors } from "./errors.js";
import { applyFilters, type FilterTable } from "./filters.js";
import { regionData, regionsData, type RegionData } from "./regions-data.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

export type OptInStatus = "opt-in-not-required" | "opted-in" | "not-opted-in";

export const optInStatusOf = (r: RegionData, settings: Readonly<Record<string, unknown>>): OptInStatus => {
  if (!r.optIn) return "opt-in-not-required";
  const opted = settings.optedInRegions;
  return Array.isArray(opted) && opted.includes(r.region) ? "opted-in" : "not-opted-in";
};

export const endpointOf = (region: string): string => `ec2.${region}.amazonaws.com`;

/** Every EC2 handler first checks that the request was signed for a Region Cloudbox knows. */
export const assertKnownRegion = (region: string): RegionData => {
  const data = regionData(region);
  if (!data) throw ec2Errors.invalidSigningRegion(region);
  return data;
};

interface RegionRow {
  data: RegionData;
  optInStatus: OptInStatus;
}

const regionFilters: FilterTable<RegionRow> = {
  endpoint: (r) => endpointOf(r.data.region),
  "opt-in-status": (r) => r.optInStatus,
  "region-name": (r) => r.data.region,
};

export const describeRegions = defineOp("DescribeRegions", (input, ctx) => {
  assertKnownRegion(ctx.region);
  const names = input.RegionNames ?? [];
  for (const name of names) if (!regionData(name)) throw ec2Errors.invalidRegion(name);
  let rows: RegionRow[] = regionsData.map((data) => ({ data, optInStatus: optInStatusOf(data, ctx.settings) }));
  if (names.length > 0) rows = rows.filter((r) => names.includes(r.data.region));
  else if (!input.AllRegions) rows = rows.filter((r) => r.optInStatus !== "not-opted-in");
  rows = applyFilters(rows, input.Filters, regionFilters);
  if (input.DryRun) throw ec2Errors.dryRunOperation();
  rows.sort((a, b) => (a.data.region < b.data.region ? -1 : 1));
  return {
    Regions: rows.map((r) => ({
      OptInStatus: r.optInStatus,
      RegionName: r.data.region,
      Endpoint: endpointOf(r.data.region),
      Geography: [{ Name: r.data.geography }],
    })),
  };
});
