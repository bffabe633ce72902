import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";
import { updatedReadme } from "../scripts/readme-ops.js";

test("README lists exactly the implemented operations (run `npm run readme` after adding one)", async () => {
  const readme = readFileSync("README.md", "utf8");
  assert.equal(readme, await updatedReadme(readme));
});

test("README opens with the two set-up commands", () => {
  const readme = readFileSync("README.md", "utf8");
  const firstBlock = readme.slice(readme.indexOf("```"), readme.indexOf("```", readme.indexOf("```") + 3));
  assert.match(firstBlock, /npm ci && npm start/);
  assert.match(firstBlock, /npm test/);
});
