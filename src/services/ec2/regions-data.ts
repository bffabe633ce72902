/**
 * The Region and AZ reference data (data/regions.json, see data/README.md for its provenance) and
 * the AZ map built from it. The JSON import path works from src/services/ec2/ (tsx) and from
 * dist/src/services/ec2/ (compiled): tsc emits the imported JSON to dist/data/regions.json, so the
 * relative layout is the same (checked with `tsc --outDir`).
 */
import { createHash } from "node:crypto";
import regionsJson from "../../../data/regions.json" with { type: "json" };
import { createAzMap, type AzMap, type AzPins, type AzRegionData } from "../../engines/az-map/az-map.js";

export interface RegionData extends AzRegionData {
  readonly region: string;
  readonly name: string;
  readonly optIn: boolean;
  readonly azIds: readonly string[];
  readonly azIdsDocumented: readonly string[];
  readonly azCount: number;
  readonly independentlyMappedAzNames: boolean;
  readonly geography: string;
}

export const regionsData: readonly RegionData[] = regionsJson as readonly RegionData[];

const byName = new Map(regionsData.map((r) => [r.region, r] as const));
export const regionData = (region: string): RegionData | undefined => byName.get(region);

export const sha256 = (input: string): Uint8Array => createHash("sha256").update(input, "utf8").digest();

/** AZ maps are pure functions of the pins; cache one per pins object (not resource state). */
const cache = new WeakMap<object, AzMap>();
const unpinned = createAzMap({ regions: regionsData, sha256 });

export const azMapFor = (pins: AzPins | undefined): AzMap => {
  if (pins === undefined || pins === null || Object.keys(pins).length === 0) return unpinned;
  let map = cache.get(pins);
  if (!map) {
    map = createAzMap({ regions: regionsData, sha256, pins });
    cache.set(pins, map);
  }
  return map;
};

/** The AZ map for a request's settings (settings.azPins). Throws AzMapError on invalid pins. */
export const azMapFromSettings = (settings: Readonly<Record<string, unknown>>): AzMap =>
  azMapFor(settings.azPins as AzPins | undefined);

/**
 * Validates pins up front (runtime can call this at startup so that a bad pins file fails fast
 * instead of failing each DescribeAvailabilityZones). Throws AzMapError with the reason.
 */
export const validateAzPins = (pins: unknown): void => {
  azMapFor(pins as AzPins | undefined);
};
