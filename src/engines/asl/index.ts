/**
 * Amazon States Language engine (pure): validation, the execution reducer, and its pieces.
 * See interpreter.ts for the execution model and types.ts for the event/effect/state shapes.
 */
export { validateDefinition, formatInvalidDefinition, type Diagnostic } from "./validate.js";
export { startExecution, advance, redriveExecution, findTaskByToken, pendingWork, type AdvanceResult } from "./interpreter.js";
export * as distributed from "./distributed.js";
export { taskKind } from "./task-events.js";
export { runExecution, type DriverOptions, type DriverRun, type TaskCall, type TaskOutcome } from "./driver.js";
export { evalPath, setPath, parsePath, isValidPath, isReferencePath } from "./jsonpath.js";
export { evalIntrinsic, parseIntrinsic, INTRINSICS } from "./intrinsics.js";
export { evalRule, chooseRule, stringMatches, parseTimestamp } from "./choice.js";
export * from "./types.js";
