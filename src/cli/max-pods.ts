/**
 * `cloudbox max-pods <instance-type>... [--prefix-delegation] [--cni-version X.Y.Z]
 *  [--custom-networking] [--cap|--no-cap] [--json]`
 *
 * Prints, for each instance type, the inputs of the max-pods formula and the result. Without
 * --prefix-delegation the default is the uncapped table value (what an EKS node gets); with it,
 * the calculator's ceiling applies unless --no-cap is given.
 */
import { parseArgs } from "node:util";
import limits from "../../data/instance-network-limits.json" with { type: "json" };
import { maxPods, type InstanceNetworkLimits, type MaxPodsResult } from "../engines/max-pods/max-pods.js";

const USAGE =
  "usage: cloudbox max-pods <instance-type>... [--prefix-delegation] [--cni-version X.Y.Z] [--custom-networking] [--cap|--no-cap] [--json]";

export const renderTable = (rows: MaxPodsResult[]): string => {
  const header = ["instance type", "ENIs", "IPv4/ENI", "vCPUs", "hypervisor", "prefixes", "formula", "ceiling", "max pods"];
  const body = rows.map((r) => [
    r.instanceType,
    String(r.enis),
    String(r.ipv4PerEni),
    r.vcpus === undefined ? "?" : String(r.vcpus),
    r.hypervisor ?? "-",
    r.prefixDelegation ? "yes" : "no",
    r.prefixDelegation ? `${r.enis}×((${r.ipv4PerEni}-1)×16)+2=${r.uncapped}` : `${r.enis}×(${r.ipv4PerEni}-1)+2=${r.uncapped}`,
    r.ceiling === undefined ? "-" : String(r.ceiling),
    String(r.maxPods),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const notes = rows.flatMap((r) => r.notes.map((n) => `note: ${r.instanceType}: ${n}`));
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line), ...notes].join("\n");
};

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        "prefix-delegation": { type: "boolean" },
        "cni-version": { type: "string" },
        "custom-networking": { type: "boolean" },
        cap: { type: "boolean" },
        "no-cap": { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    (values.help ? console.log : console.error)(USAGE);
    return values.help ? 0 : 2;
  }
  const table = limits as Record<string, InstanceNetworkLimits>;
  const unknown = positionals.filter((t) => !table[t]);
  if (unknown.length) {
    console.error(`unknown instance type: ${unknown.join(", ")}`);
    return 1;
  }
  const prefixDelegation = values["prefix-delegation"] ?? false;
  const cap = values["no-cap"] ? false : (values.cap ?? prefixDelegation);
  let rows: MaxPodsResult[];
  try {
    rows = positionals.map((t) =>
      maxPods(t, table[t], { prefixDelegation, cniVersion: values["cni-version"], customNetworking: values["custom-networking"], cap }),
    );
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  console.log(values.json ? JSON.stringify(rows, null, 2) : renderTable(rows));
  return 0;
}
