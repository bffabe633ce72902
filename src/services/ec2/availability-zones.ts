/**
 * DescribeAvailabilityZones for the request's Region and account, through the az-map engine
 * (each account sees its own AZ names in the independently mapped Regions; pins in
 * settings.azPins; see src/engines/az-map/az-map.ts).
 *
 * Fields, per the EC2 API Reference (AvailabilityZone) and real output:
 *   State "available", OptInStatus "opt-in-not-required", Messages [], RegionName, ZoneName,
 *   ZoneId, GroupName, NetworkBorderGroup (= the Region), ZoneType "availability-zone",
 *   GroupLongName, Geography.
 * GroupName: the current API Reference gives `us-east-1-zg-1` for Availability Zones (older
 * outputs, like the seed article's, showed the Region name; AWS changed it).
 * DEVIATION: GroupLongName "<Region name> 1" (e.g. "US East (N. Virginia) 1") follows real outputs
 * we remember but have no stored source for; Geography is the Regions page's geography column;
 * SubGeography is not returned. Local Zones and Wavelength Zones do not exist here, so
 * AllAvailabilityZones changes nothing.
 *
 * Filters (API Reference): group-long-name, group-name, message, opt-in-status, parent-zone-id,
 * parent-zone-name, region-name, state, zone-id, zone-name, zone-type.
 */
import type { AvailabilityZone } from "@aws-sdk/client-ec2";
import { opDefiner } from "../../core/index.js";
import { ec2Errors } from "./errors.js";
import { applyFilters, type FilterTable } from "./filters.js";
import { assertKnownRegion } from "./regions.js";
import { azMapFromSettings, type RegionData } from "./regions-data.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

const azFilters: FilterTable<AvailabilityZone> = {
  "group-long-name": (z) => z.GroupLongName,
  "group-name": (z) => z.GroupName,
  message: (z) => (z.Messages ?? []).map((m) => m.Message ?? ""),
  "opt-in-status": (z) => z.OptInStatus,
  "parent-zone-id": (z) => z.ParentZoneId,
  "parent-zone-name": (z) => z.ParentZoneName,
  "region-name": (z) => z.RegionName,
  state: (z) => z.State,
  "zone-id": (z) => z.ZoneId,
  "zone-name": (z) => z.ZoneName,
  "zone-type": (z) => z.ZoneType,
};

const zoneOf = (data: RegionData, zoneName: string, zoneId: string): AvailabilityZone => ({
  OptInStatus: "opt-in-not-required",
  Messages: [],
  RegionName: data.region,
  ZoneName: zoneName,
  ZoneId: zoneId,
  GroupName: `${data.region}-zg-1`,
  NetworkBorderGroup: data.region,
  ZoneType: "availability-zone",
  GroupLongName: `${data.name} 1`,
  Geography: [{ Name: data.geography }],
  State: "available",
});

/** The zones an account sees in a Region, as the API returns them (sorted by name). */
export const availabilityZones = (settings: Readonly<Record<string, unknown>>, accountId: string, data: RegionData): AvailabilityZone[] =>
  (azMapFromSettings(settings).zones(accountId, data.region) ?? []).map((z) => zoneOf(data, z.zoneName, z.zoneId));

export const describeAvailabilityZones = defineOp("DescribeAvailabilityZones", (input, ctx) => {
  const data = assertKnownRegion(ctx.region);
  let zones = availabilityZones(ctx.settings, ctx.accountId, data);
  const names = input.ZoneNames ?? [];
  const ids = input.ZoneIds ?? [];
  for (const name of names) if (!zones.some((z) => z.ZoneName === name)) throw ec2Errors.invalidAvailabilityZone(name);
  for (const id of ids) if (!zones.some((z) => z.ZoneId === id)) throw ec2Errors.invalidAvailabilityZoneId(id);
  if (names.length > 0 || ids.length > 0) {
    // ZoneNames and ZoneIds together select the union (each is a way to name a zone).
    zones = zones.filter((z) => names.includes(z.ZoneName!) || ids.includes(z.ZoneId!));
  }
  zones = applyFilters(zones, input.Filters, azFilters);
  if (input.DryRun) throw ec2Errors.dryRunOperation();
  return { AvailabilityZones: zones };
});
