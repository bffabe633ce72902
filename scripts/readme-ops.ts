/**
 * Regenerates the "Implemented operations" section of README.md from the services' operation
 * lists (the only registry). `npm run readme` writes it; test/readme.test.ts fails when the README
 * is stale, so the list of what works stays honest.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { allServices } from "../src/services/index.js";

export const START = "<!-- implemented-operations:start -->";
export const END = "<!-- implemented-operations:end -->";

export const renderOperations = async (): Promise<string> => {
  const services = await Promise.all(allServices.map((s) => s.load()));
  const rows = services
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s) => `| ${s.name} | ${s.protocol} | ${s.operations.map((o) => o.name).sort().join(", ") || "—"} |`);
  return [START, "| service | protocol | operations |", "| --- | --- | --- |", ...rows, END].join("\n");
};

export const updatedReadme = async (readme: string): Promise<string> => {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  return readme.slice(0, start) + (await renderOperations()) + readme.slice(end + END.length);
};

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const readme = readFileSync("README.md", "utf8");
  writeFileSync("README.md", await updatedReadme(readme));
  console.log("README.md: implemented operations updated");
}
