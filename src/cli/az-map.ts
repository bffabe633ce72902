/**
 * `cloudbox az-map`: which AZ name each account sees for each AZ ID in a Region, computed with
 * the same engine and data as the server (no server needed).
 *
 *   cloudbox az-map --region us-east-1 --account 111111111111 --account 222222222222 [--json] [--az-pins FILE]
 *
 * Pins come from --az-pins FILE or env CLOUDBOX_AZ_PINS (a JSON file: accountId -> the output of
 * `aws ec2 describe-availability-zones` from that account, or an array of such outputs).
 *
 * The layer rules let cli/ use engines but not services, so this module builds the map from the
 * engine and data/regions.json itself, exactly as src/services/ec2/regions-data.ts does (same
 * data, same sha256, same engine: the same answers as the server).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { UsageError } from "./args.js";

export const AZ_MAP_HELP = `Usage: cloudbox az-map --region REGION --account ID [--account ID ...] [--json] [--az-pins FILE]

Shows, for each AZ ID of the Region, the AZ name that each account sees.
  --region R      the Region (default: AWS_REGION, AWS_DEFAULT_REGION, or us-east-1)
  --account ID    a 12-digit account id; repeat it or separate ids with commas
  --json          machine-readable output
  --az-pins FILE  pinned mappings (env CLOUDBOX_AZ_PINS): accountId -> output of
                  'aws ec2 describe-availability-zones' from that account
`;

export interface AzMapIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
}

const defaultIo = (): AzMapIo => ({
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  env: process.env,
});

interface Options {
  region: string;
  accounts: string[];
  json: boolean;
  pinsFile: string | undefined;
  help: boolean;
}

const parse = (argv: readonly string[], env: AzMapIo["env"]): Options => {
  const o: Options = { region: "", accounts: [], json: false, pinsFile: undefined, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") ? (eq < 0 ? arg.slice(2) : arg.slice(2, eq)) : "";
    const value = (): string => {
      const v = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === "") throw new UsageError(`--${name} needs a value`);
      return v;
    };
    if (arg === "-h" || name === "help") o.help = true;
    else if (name === "json") o.json = true;
    else if (name === "region") o.region = value();
    else if (name === "account" || name === "accounts") o.accounts.push(...value().split(",").map((s) => s.trim()).filter(Boolean));
    else if (name === "az-pins") o.pinsFile = value();
    else throw new UsageError(`Unknown argument ${arg}`);
  }
  o.region ||= env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1";
  o.pinsFile ??= env.CLOUDBOX_AZ_PINS || undefined;
  return o;
};

export interface AzMapReport {
  region: string;
  independentlyMappedAzNames: boolean;
  accounts: Array<{ accountId: string; pinned: boolean }>;
  /** One row per AZ ID of the Region (data order), with the name each account sees (null: none). */
  zones: Array<{ zoneId: string; names: Record<string, string | null> }>;
}

const pad = (s: string, n: number): string => s + " ".repeat(Math.max(0, n - s.length));

export const formatTable = (report: AzMapReport): string => {
  const header = ["AZ ID", ...report.accounts.map((a) => a.accountId + (a.pinned ? " (pinned)" : ""))];
  const rows = report.zones.map((z) => [z.zoneId, ...report.accounts.map((a) => z.names[a.accountId] ?? "-")]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]))).join("  ") + "\n";
  const note = report.independentlyMappedAzNames
    ? `${report.region}: AZ names are mapped to AZ IDs independently for each account\n`
    : `${report.region}: every account sees the same AZ names\n`;
  return note + line(header) + rows.map(line).join("");
};

export async function run(argv: string[], io: AzMapIo = defaultIo()): Promise<number> {
  let options: Options;
  try {
    options = parse(argv, io.env);
  } catch (e) {
    io.err(`cloudbox az-map: ${(e as Error).message}\n\n${AZ_MAP_HELP}`);
    return 2;
  }
  if (options.help) {
    io.out(AZ_MAP_HELP);
    return 0;
  }
  if (options.accounts.length === 0) {
    io.err(`cloudbox az-map: give at least one --account\n\n${AZ_MAP_HELP}`);
    return 2;
  }
  const bad = options.accounts.find((a) => !/^\d{12}$/.test(a));
  if (bad !== undefined) {
    io.err(`cloudbox az-map: '${bad}' is not a 12-digit account id\n`);
    return 2;
  }
  const { createAzMap } = await import("../engines/az-map/az-map.js");
  const regionsData = (await import("../../data/regions.json", { with: { type: "json" } })).default as ReadonlyArray<{
    region: string;
    azIds: string[];
    azIdsDocumented: string[];
    independentlyMappedAzNames: boolean;
  }>;
  const sha256 = (input: string): Uint8Array => createHash("sha256").update(input, "utf8").digest();
  const data = regionsData.find((r) => r.region === options.region);
  if (!data) {
    io.err(`cloudbox az-map: unknown Region '${options.region}' (known: ${regionsData.map((r) => r.region).join(", ")})\n`);
    return 2;
  }
  let pins: Record<string, never> | undefined;
  if (options.pinsFile) {
    try {
      pins = JSON.parse(readFileSync(options.pinsFile, "utf8"));
    } catch (e) {
      io.err(`cloudbox az-map: cannot read pins from ${options.pinsFile}: ${(e as Error).message}\n`);
      return 1;
    }
  }
  let map;
  try {
    map = createAzMap({ regions: regionsData, sha256, pins });
  } catch (e) {
    io.err(`cloudbox az-map: invalid pins in ${options.pinsFile}: ${(e as Error).message}\n`);
    return 1;
  }
  const accounts = [...new Set(options.accounts)];
  const ids = [...new Set([...data.azIds, ...accounts.flatMap((a) => (map.zones(a, data.region) ?? []).map((z) => z.zoneId))])].sort();
  const report: AzMapReport = {
    region: data.region,
    independentlyMappedAzNames: data.independentlyMappedAzNames,
    accounts: accounts.map((accountId) => ({ accountId, pinned: map.isPinned(accountId, data.region) })),
    zones: ids.map((zoneId) => ({
      zoneId,
      names: Object.fromEntries(accounts.map((a) => [a, map.zoneNameFor(a, data.region, zoneId) ?? null])),
    })),
  };
  io.out(options.json ? JSON.stringify(report, null, 2) + "\n" : formatTable(report));
  return 0;
}
