/**
 * The Availability Zone map: for an account and a Region, which AZ name (us-east-1a) that account
 * sees for each AZ ID (use1-az4). Pure: the Region data, the pins and the hash function come in as
 * arguments; no fs, no clock, no randomness.
 *
 * What AWS does (https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html):
 * AZ IDs name physical locations and are the same for every account. In the eight Regions listed
 * under "Regions with independently mapped Availability Zones" (data: independentlyMappedAzNames),
 * AZ names are mapped to AZ IDs independently for each account; elsewhere every account sees the
 * same mapping.
 *
 * What this engine does:
 * - mapped Regions: the names `<region>a`, `<region>b`, ... are assigned to a permutation of the
 *   Region's AZ IDs, a Fisher-Yates shuffle driven by sha256("cloudbox-az-map/v1\n<account>\n<region>").
 *   Stable forever (changing it would move every user's subnets: a unit test pins known vectors),
 *   the same on every machine, different between most pairs of accounts.
 * - other Regions: names in AZ-ID order (a -> az1, b -> az2, ...).
 *   DEVIATION: AWS's fixed mapping in those Regions is not necessarily a -> az1 (the data README
 *   says so); we have no source for the real fixed mappings. Pin them if it matters.
 * - pins: an account's mapping in a Region can be pinned to the output of
 *   `aws ec2 describe-availability-zones` from a real account; a pinned Region uses exactly
 *   those pairs (only `ZoneType: availability-zone` entries; Local/Wavelength Zones are ignored).
 *
 * DEVIATION: names are always consecutive letters from `a`. Some real accounts see gaps
 * (ap-northeast-1 a, c, d; us-west-1 b, c) because an AZ they never got keeps its letter; pins
 * reproduce that exactly.
 *
 * What it does not do: Local Zones, Wavelength Zones, zone states or opt-in of zone groups.
 */

/** The fields of one Region of data/regions.json that the engine needs. */
export interface AzRegionData {
  readonly region: string;
  /** The AZ IDs one real account sees (the data README explains why this, not azIdsDocumented). */
  readonly azIds: readonly string[];
  /** Documented AZ IDs (may include IDs that only some accounts see); pins may use these. */
  readonly azIdsDocumented?: readonly string[];
  readonly independentlyMappedAzNames: boolean;
}

export interface AzPair {
  readonly zoneName: string;
  readonly zoneId: string;
}

/** One `aws ec2 describe-availability-zones` output (the AWS CLI's JSON, or the SDK's output). */
export interface DescribeAzOutput {
  readonly AvailabilityZones?: ReadonlyArray<{
    readonly ZoneName?: string;
    readonly ZoneId?: string;
    readonly RegionName?: string;
    readonly ZoneType?: string;
    readonly [other: string]: unknown;
  }>;
  readonly [other: string]: unknown;
}

/** settings.azPins: per account, one output or several (one per Region). */
export type AzPins = Readonly<Record<string, DescribeAzOutput | readonly DescribeAzOutput[]>>;

/** A deterministic hash: sha256 of the UTF-8 string (node:crypto createHash("sha256") in practice). */
export type Sha256 = (input: string) => Uint8Array;

export class AzMapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AzMapError";
  }
}

export interface AzMapOptions {
  readonly regions: readonly AzRegionData[];
  readonly sha256: Sha256;
  readonly pins?: AzPins;
}

export interface AzMap {
  /** Known Region names, in data order. */
  readonly regionNames: readonly string[];
  hasRegion(region: string): boolean;
  /** The zones an account sees in a Region, sorted by zone name; undefined for an unknown Region. */
  zones(accountId: string, region: string): readonly AzPair[] | undefined;
  /** Where a zone name of this account points; undefined when the account has no such zone. */
  zoneIdFor(accountId: string, region: string, zoneName: string): string | undefined;
  /** The name this account sees for an AZ ID; undefined when the ID is not in the Region. */
  zoneNameFor(accountId: string, region: string, zoneId: string): string | undefined;
  /** Whether the account's mapping in this Region comes from a pin. */
  isPinned(accountId: string, region: string): boolean;
}

export const HASH_DOMAIN = "cloudbox-az-map/v1";

const letters = "abcdefghijklmnopqrstuvwxyz";

const zoneNameOf = (region: string, index: number): string => {
  if (index >= letters.length) throw new AzMapError(`Region ${region} has more AZs than letters`);
  return region + letters[index];
};

/**
 * The permutation for one account and Region: result[i] is the index of the AZ ID that gets the
 * i-th letter. Fisher-Yates with 32-bit words of the digest (re-hashed with a counter when more
 * words are needed). The modulo bias (at most n / 2^32) is irrelevant here.
 */
export const permutation = (sha256: Sha256, accountId: string, region: string, n: number): number[] => {
  const order = Array.from({ length: n }, (_, i) => i);
  let digest = sha256(`${HASH_DOMAIN}\n${accountId}\n${region}`);
  let word = 0;
  let round = 0;
  const next = (): number => {
    if ((word + 1) * 4 > digest.length) {
      round += 1;
      digest = sha256(`${HASH_DOMAIN}\n${accountId}\n${region}\n${round}`);
      word = 0;
    }
    const o = word * 4;
    word += 1;
    return ((digest[o] << 24) | (digest[o + 1] << 16) | (digest[o + 2] << 8) | digest[o + 3]) >>> 0;
  };
  for (let i = n - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
};

/** Turns pins into per-account, per-Region zone lists, validating them against the Region data. */
export const normalizePins = (
  pins: AzPins | undefined,
  regions: ReadonlyMap<string, AzRegionData>,
): Map<string, Map<string, AzPair[]>> => {
  const out = new Map<string, Map<string, AzPair[]>>();
  if (pins === undefined || pins === null) return out;
  if (typeof pins !== "object" || Array.isArray(pins)) throw new AzMapError("azPins must be an object keyed by 12-digit account id");
  for (const [accountId, value] of Object.entries(pins)) {
    if (!/^\d{12}$/.test(accountId)) throw new AzMapError(`azPins: '${accountId}' is not a 12-digit account id`);
    const outputs: readonly DescribeAzOutput[] = Array.isArray(value) ? value : [value as DescribeAzOutput];
    const byRegion = new Map<string, AzPair[]>();
    for (const output of outputs) {
      if (!output || typeof output !== "object" || !Array.isArray(output.AvailabilityZones)) {
        throw new AzMapError(`azPins[${accountId}]: expected the JSON output of describe-availability-zones ({ "AvailabilityZones": [...] })`);
      }
      for (const az of output.AvailabilityZones) {
        if (az.ZoneType !== undefined && az.ZoneType !== "availability-zone") continue;
        const { ZoneName: zoneName, ZoneId: zoneId } = az;
        if (typeof zoneName !== "string" || typeof zoneId !== "string") {
          throw new AzMapError(`azPins[${accountId}]: every zone needs ZoneName and ZoneId`);
        }
        const region = typeof az.RegionName === "string" ? az.RegionName : zoneName.slice(0, -1);
        const data = regions.get(region);
        if (!data) throw new AzMapError(`azPins[${accountId}]: unknown Region '${region}' (zone ${zoneName})`);
        if (!new RegExp(`^${region}[a-z]$`).test(zoneName)) {
          throw new AzMapError(`azPins[${accountId}]: zone name '${zoneName}' is not an Availability Zone of ${region}`);
        }
        const known = new Set([...data.azIds, ...(data.azIdsDocumented ?? [])]);
        if (!known.has(zoneId)) {
          throw new AzMapError(`azPins[${accountId}]: '${zoneId}' is not an AZ ID of ${region} (known: ${[...known].join(", ")})`);
        }
        const list = byRegion.get(region) ?? [];
        if (list.some((p) => p.zoneName === zoneName && p.zoneId === zoneId)) continue; // same output given twice
        if (list.some((p) => p.zoneName === zoneName)) throw new AzMapError(`azPins[${accountId}]: zone name ${zoneName} pinned twice`);
        if (list.some((p) => p.zoneId === zoneId)) throw new AzMapError(`azPins[${accountId}]: AZ ID ${zoneId} pinned twice`);
        list.push({ zoneName, zoneId });
        byRegion.set(region, list);
      }
    }
    for (const list of byRegion.values()) list.sort((a, b) => (a.zoneName < b.zoneName ? -1 : a.zoneName > b.zoneName ? 1 : 0));
    out.set(accountId, byRegion);
  }
  return out;
};

export const createAzMap = (options: AzMapOptions): AzMap => {
  const regions = new Map(options.regions.map((r) => [r.region, r] as const));
  const pinned = normalizePins(options.pins, regions);
  const zones = (accountId: string, region: string): readonly AzPair[] | undefined => {
    const data = regions.get(region);
    if (!data) return undefined;
    const pin = pinned.get(accountId)?.get(region);
    if (pin) return pin;
    const ids = data.azIds;
    if (!data.independentlyMappedAzNames) return ids.map((zoneId, i) => ({ zoneName: zoneNameOf(region, i), zoneId }));
    const order = permutation(options.sha256, accountId, region, ids.length);
    return order.map((idIndex, i) => ({ zoneName: zoneNameOf(region, i), zoneId: ids[idIndex] }));
  };
  return {
    regionNames: options.regions.map((r) => r.region),
    hasRegion: (region) => regions.has(region),
    zones,
    zoneIdFor: (accountId, region, zoneName) => zones(accountId, region)?.find((z) => z.zoneName === zoneName)?.zoneId,
    zoneNameFor: (accountId, region, zoneId) => zones(accountId, region)?.find((z) => z.zoneId === zoneId)?.zoneName,
    isPinned: (accountId, region) => pinned.get(accountId)?.has(region) ?? false,
  };
};
