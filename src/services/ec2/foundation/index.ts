/** The EC2 foundation every resource family builds on: store, tags, Describe*, DryRun, NotFound. */
export * from "./resource-store.js";
export * from "./resource-types.js";
export * from "./describe.js";
export * from "./dry-run.js";
export * from "./tags.js";
export * from "./network-interfaces.js";
