/**
 * The `cloudbox` command. A thin layer: `start` calls runtime's createCloudbox; `status` and
 * `reset` talk to a running instance over HTTP (/_cloudbox/health, /_cloudbox/reset); `az-map`
 * is its own module. Each command module is imported lazily so that `start` loads nothing else.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { HELP } from "./help.js";

export const main = async (argv: readonly string[]): Promise<number> => {
  const [command, ...rest] = argv;
  const ownHelp = ["az-map", "max-pods", "probe"];
  if (!ownHelp.includes(command ?? "") && (rest.includes("--help") || rest.includes("-h"))) {
    process.stdout.write(HELP);
    return 0;
  }
  try {
    switch (command) {
      case "start":
        return await (await import("./start.js")).start(rest);
      case "status":
        return await (await import("./status.js")).status(rest);
      case "reset":
        return await (await import("./reset.js")).reset(rest);
      case "az-map":
        return await (await import("./az-map.js")).run(rest);
      case "max-pods":
        return await (await import("./max-pods.js")).run(rest);
      case "probe":
        return await (await import("./probe.js")).run(rest);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(HELP);
        return command === undefined ? 1 : 0;
      case "--version":
      case "-v":
      case "version": {
        const { packageInfo } = await import("../runtime/package-info.js");
        process.stdout.write(packageInfo().version + "\n");
        return 0;
      }
      default:
        process.stderr.write(`cloudbox: unknown command "${command}"\n\n${HELP}`);
        return 2;
    }
  } catch (e) {
    const { UsageError } = await import("./args.js");
    if (e instanceof UsageError) {
      process.stderr.write(`cloudbox ${command}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`cloudbox ${command}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
};

const code = await main(process.argv.slice(2));
// `start` keeps running (its server holds the event loop); other commands end here.
if (code !== 0 || process.argv[2] !== "start") process.exitCode = code;
