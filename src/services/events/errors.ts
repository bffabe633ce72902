/**
 * EventBridge errors. Schema violations of the JSON protocol are ValidationException (core's
 * commonErrors); EventBridge's own codes appear here as operations need them.
 */
import { commonErrors } from "../../core/index.js";

export const eventsErrors = {
  /** AWS's constraint-violation text: "1 validation error detected: Value '<v>' at '<member>' failed to satisfy constraint: <c>". */
  constraint: (value: unknown, member: string, constraint: string) =>
    commonErrors.validation(`1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${constraint}`),
  invalidNextToken: () => commonErrors.validation("The NextToken provided is invalid."),
} as const;
