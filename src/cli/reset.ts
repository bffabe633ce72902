/** `cloudbox reset`: POST /_cloudbox/reset to a running Cloudbox. */
import { endpointOf, parseArgs, UsageError } from "./args.js";

export const reset = async (argv: readonly string[]): Promise<number> => {
  const args = parseArgs(argv, [], ["endpoint"]);
  if (args.positionals.length) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  const endpoint = endpointOf(args);
  try {
    const res = await fetch(`${endpoint}/_cloudbox/reset`, { method: "POST", signal: AbortSignal.timeout(10_000) });
    if (!res.ok) {
      process.stderr.write(`Reset failed: HTTP ${res.status} ${await res.text()}\n`);
      return 1;
    }
  } catch (e) {
    process.stderr.write(`Cloudbox is not running at ${endpoint} (${(e as Error).message})\n`);
    return 1;
  }
  process.stdout.write(`All state of Cloudbox at ${endpoint} was deleted.\n`);
  return 0;
};
