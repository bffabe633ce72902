/** `cloudbox status`: GET /_cloudbox/health of a running Cloudbox and print a summary (exit 1 if it does not answer). */
import { endpointOf, parseArgs, UsageError } from "./args.js";

interface Health {
  name?: string;
  version?: string;
  uptime?: number;
  rss?: number;
  endpoint?: string;
  dataDir?: string | null;
  ephemeral?: boolean;
  services?: { name: string; protocol: string; loaded?: boolean; operations: string[] }[];
}

export const fetchHealth = async (endpoint: string, timeoutMs = 3000): Promise<Health> => {
  const res = await fetch(`${endpoint}/_cloudbox/health`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`health answered HTTP ${res.status}`);
  return (await res.json()) as Health;
};

export const status = async (argv: readonly string[]): Promise<number> => {
  const args = parseArgs(argv, ["json"], ["endpoint"]);
  if (args.positionals.length) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  const endpoint = endpointOf(args);
  let health: Health;
  try {
    health = await fetchHealth(endpoint);
  } catch (e) {
    process.stderr.write(`Cloudbox is not running at ${endpoint} (${(e as Error).message})\n`);
    return 1;
  }
  if (args.flags.has("json")) {
    process.stdout.write(JSON.stringify(health, null, 2) + "\n");
    return 0;
  }
  const services = health.services ?? [];
  const lines = [
    `Cloudbox ${health.version ?? "?"} running at ${endpoint}`,
    `  uptime   ${formatDuration(health.uptime ?? 0)}`,
    `  memory   ${((health.rss ?? 0) / 1024 / 1024).toFixed(1)} MB resident`,
    `  state    ${health.ephemeral ? "in memory (ephemeral)" : (health.dataDir ?? "?")}`,
    `  services ${services.length}`,
    ...services.map((s) =>
      s.loaded === false
        ? `    ${s.name.padEnd(16)} ${s.protocol.padEnd(10)} not loaded yet (loads with its first request)`
        : `    ${s.name.padEnd(16)} ${s.protocol.padEnd(10)} ${s.operations.length} operation${s.operations.length === 1 ? "" : "s"}: ${s.operations.join(", ")}`,
    ),
  ];
  process.stdout.write(lines.join("\n") + "\n");
  return 0;
};

const formatDuration = (seconds: number): string => {
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
};
