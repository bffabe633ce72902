/**
 * STS error codes, one factory each. Codes and statuses from the STS API Reference (AssumeRole
 * "Errors" and CommonErrors); messages as STS formats them:
 * - ValidationError (400): constraint violations, in the AWS "N validation error(s) detected:
 *   Value '<v>' at '<member>' failed to satisfy constraint: <constraint>" form (the form real
 *   STS answers carry, e.g. "1 validation error detected: Value '2/fluent-collector-deployment' at
 *   'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression
 *   pattern: [\w+=,.@-]*", quoted in nubisproject/nubis-ci's changelog).
 * - MalformedPolicyDocument (400), AccessDenied (403).
 */
import { AwsError } from "../../core/index.js";

export const stsErrors = {
  validation: (message: string) => new AwsError("ValidationError", message, { status: 400 }),
  malformedPolicyDocument: (message = "Syntax errors in policy.") => new AwsError("MalformedPolicyDocument", message, { status: 400 }),
  accessDenied: (message: string) => new AwsError("AccessDenied", message, { status: 403 }),
} as const;

/** Collects constraint violations and throws them as one ValidationError, as AWS reports them. */
export class ConstraintViolations {
  private readonly items: string[] = [];
  add(value: unknown, member: string, constraint: string): void {
    this.items.push(`Value '${String(value)}' at '${member}' failed to satisfy constraint: ${constraint}`);
  }
  throwIfAny(): void {
    if (this.items.length === 0) return;
    const n = this.items.length;
    throw stsErrors.validation(`${n} validation error${n === 1 ? "" : "s"} detected: ${this.items.join("; ")}`);
  }
}
