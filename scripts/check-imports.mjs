#!/usr/bin/env node
// Enforces the layer rules of ARCHITECTURE.md ("Folders and what each may import") over src/.
// Each rule names the folders of ours a layer may import; engines may also not touch the outside
// world (fs, network, timers, Date.now, Math.random). Exits 1 and lists every violation.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const SRC = resolve("src");
const walk = (dir) =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : /\.(ts|mts)$/.test(n) ? [p] : [];
  });

/** The layer of a file: "core", "protocol", "engines/asl", "services/ec2", "services" (index) ... */
const layerOf = (file) => {
  const parts = relative(SRC, file).split(sep);
  if ((parts[0] === "engines" || parts[0] === "services") && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return parts[0].replace(/\.(ts|mts)$/, "");
};

const allowed = (from, to) => {
  if (from === to) return true;
  const [fromTop] = from.split("/");
  const [toTop] = to.split("/");
  switch (fromTop) {
    case "core":
      return false;
    case "protocol":
      return to === "core";
    case "gateway":
      return to === "core" || to === "protocol";
    case "state":
      return to === "core";
    case "engines":
      return to === "core";
    case "services":
      if (from === "services") return toTop === "services" || to === "core"; // the registry list
      return to === "core" || toTop === "engines" || to === "state";
    case "cli":
      return to === "core" || to === "runtime" || toTop === "engines" || to === "index";
    case "runtime":
    case "index":
      return true;
    default:
      return true;
  }
};

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
const ENGINE_FORBIDDEN_MODULES = /^(node:)?(fs|fs\/promises|net|http|https|http2|dgram|child_process|worker_threads|timers)$/;
const ENGINE_FORBIDDEN_CALLS = /\b(Date\.now\(|new Date\(\)|Math\.random\(|setTimeout\(|setInterval\()/;

const problems = [];
for (const file of walk(SRC)) {
  if (file.endsWith(".test.ts")) continue;
  const text = readFileSync(file, "utf8");
  const from = layerOf(file);
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    if (spec.startsWith(".")) {
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(SRC)) continue; // data/ and package.json are not layers
      const to = layerOf(target.replace(/\.js$/, ".ts"));
      if (!allowed(from, to)) problems.push(`${relative(".", file)}: ${from} may not import ${to} (${spec})`);
    } else if (from.startsWith("engines") && ENGINE_FORBIDDEN_MODULES.test(spec)) {
      problems.push(`${relative(".", file)}: engines are pure and may not import ${spec}`);
    }
  }
  if (from.startsWith("engines")) {
    text.split("\n").forEach((line, i) => {
      if (ENGINE_FORBIDDEN_CALLS.test(line) && !/^\s*(\/\/|\*)/.test(line))
        problems.push(`${relative(".", file)}:${i + 1}: engines take time and randomness as arguments: ${line.trim()}`);
    });
  }
}
if (problems.length) {
  console.error(`Layer rule violations (see ARCHITECTURE.md):\n${problems.map((p) => "  " + p).join("\n")}`);
  process.exit(1);
}
console.log("import rules: ok");
