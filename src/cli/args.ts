/** A small argv parser: `--name value`, `--name=value`, boolean flags, positionals. */
export interface ParsedArgs {
  flags: Map<string, string | true>;
  positionals: string[];
}

export class UsageError extends Error {}

export const parseArgs = (argv: readonly string[], booleans: readonly string[], valued: readonly string[]): ParsedArgs => {
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--") || arg === "--") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (booleans.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
    } else if (valued.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    } else {
      throw new UsageError(`Unknown option --${name}`);
    }
  }
  return { flags, positionals };
};

export const flag = (args: ParsedArgs, name: string): string | undefined => {
  const v = args.flags.get(name);
  return typeof v === "string" ? v : undefined;
};

/** The endpoint of a running Cloudbox: --endpoint, CLOUDBOX_ENDPOINT, or http://127.0.0.1:${CLOUDBOX_PORT ?? 4566}. */
export const endpointOf = (args: ParsedArgs): string =>
  (flag(args, "endpoint") ?? process.env.CLOUDBOX_ENDPOINT ?? `http://${process.env.CLOUDBOX_HOST ?? "127.0.0.1"}:${process.env.CLOUDBOX_PORT ?? "4566"}`).replace(/\/+$/, "");
