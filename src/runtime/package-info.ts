/** Name and version from the package.json above this file (works from src/ under tsx and from dist/src/). */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface PackageInfo {
  name: string;
  version: string;
  /** The package's root directory. */
  root: string;
}

let cached: PackageInfo | undefined;

export const packageInfo = (): PackageInfo => {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "cloudbox") return (cached = { name: pkg.name, version: pkg.version ?? "0.0.0", root: dir });
    } catch {
      // keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return (cached = { name: "cloudbox", version: "0.0.0", root: process.cwd() });
};
