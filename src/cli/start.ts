/** `cloudbox start`: createCloudbox with flags and environment, until SIGINT/SIGTERM. */
import { readFileSync } from "node:fs";
import type { LogLevel } from "../core/index.js";
import { createCloudbox } from "../runtime/index.js";
import { flag, parseArgs, UsageError } from "./args.js";

const LEVELS: readonly LogLevel[] = ["silent", "error", "warn", "info", "debug"];

/** An environment variable, with "" treated as unset. */
const env = (name: string): string | undefined => process.env[name] || undefined;

const readAzPins = (file: string): Record<string, unknown> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`cannot read the AZ pins file ${file}: ${(e as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UsageError(`${file} must hold an object: accountId -> output of 'aws ec2 describe-availability-zones'`);
  }
  return parsed as Record<string, unknown>;
};

export const start = async (argv: readonly string[]): Promise<number> => {
  const args = parseArgs(argv, ["ephemeral", "help"], ["port", "host", "data-dir", "log-level", "az-pins", "default-account"]);
  if (args.flags.has("help")) {
    process.stdout.write((await import("./help.js")).HELP);
    return 0;
  }
  if (args.positionals.length) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  const portText = flag(args, "port") ?? env("CLOUDBOX_PORT");
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError(`invalid port ${portText}`);
  const logLevel = (flag(args, "log-level") ?? env("CLOUDBOX_LOG_LEVEL") ?? "info") as LogLevel;
  if (!LEVELS.includes(logLevel)) throw new UsageError(`--log-level must be one of ${LEVELS.join(", ")}`);
  const azPinsFile = flag(args, "az-pins") ?? env("CLOUDBOX_AZ_PINS");
  const envEphemeral = process.env.CLOUDBOX_EPHEMERAL;
  const cb = await createCloudbox({
    port,
    host: flag(args, "host") ?? env("CLOUDBOX_HOST"),
    dataDir: flag(args, "data-dir") ?? env("CLOUDBOX_DATA_DIR"),
    ephemeral: args.flags.has("ephemeral") || envEphemeral === "1" || envEphemeral === "true",
    logLevel,
    defaultAccountId: flag(args, "default-account"),
    azPins: azPinsFile ? readAzPins(azPinsFile) : undefined,
  });
  process.stdout.write(`Cloudbox listening on ${cb.endpoint}\n`);
  cb.log.info(cb.store.ephemeral ? "state: in memory (--ephemeral)" : `state: ${cb.store.file}`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal: do not wait any longer.
      process.exit(130);
    }
    stopping = true;
    cb.log.info(`${signal}: stopping`);
    cb.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`cloudbox: error while stopping: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  return 0;
};
