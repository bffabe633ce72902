/**
 * CloudWatch Logs error codes, one factory each. Codes and statuses from the CloudWatch Logs API
 * Reference ("Errors" of each action and CommonErrors; every code here is HTTP 400). Messages as
 * the service words them, quoted in public bug reports of AWS answers:
 * - "The specified log group does not exist." / "The specified log stream does not exist."
 *   (ResourceNotFoundException; e.g. epsagon/list-lambdas#5, mentum/lawgs#11);
 * - "The specified log group already exists" / "The specified log stream already exists"
 *   (ResourceAlreadyExistsException);
 * - "Log events in a single PutLogEvents request must be in chronological order." (e.g.
 *   maxbanton/cwh#32, with the raw body {"__type":"InvalidParameterException","message":...});
 * - "Upload too large: <n> bytes exceeds limit of 1048576" and "Log event too large: <n> bytes
 *   exceeds limit of <limit>" (e.g. nhs-england-tools/terraform-aws-opennext#27, aws/aws-sdk-js-v3#6164);
 * - constraint violations in the Coral form "1 validation error detected: Value '<v>' at '<member>'
 *   failed to satisfy constraint: <constraint>", which CloudWatch Logs answers as
 *   InvalidParameterException rather than ValidationException.
 */
import { AwsError } from "../../core/index.js";

export const logsErrors = {
  invalidParameter: (message: string) => new AwsError("InvalidParameterException", message, { status: 400 }),
  groupNotFound: () => new AwsError("ResourceNotFoundException", "The specified log group does not exist.", { status: 400 }),
  streamNotFound: () => new AwsError("ResourceNotFoundException", "The specified log stream does not exist.", { status: 400 }),
  resourceNotFound: (message: string) => new AwsError("ResourceNotFoundException", message, { status: 400 }),
  groupExists: () => new AwsError("ResourceAlreadyExistsException", "The specified log group already exists", { status: 400 }),
  streamExists: () => new AwsError("ResourceAlreadyExistsException", "The specified log stream already exists", { status: 400 }),
  /** CreateLogGroup past the quota of log groups per account and Region (1,000,000 on cloudwatch_limits_cwl). */
  limitExceeded: (message: string) => new AwsError("LimitExceededException", message, { status: 400 }),
} as const;

/** Collects constraint violations and throws them as one InvalidParameterException. */
export class Violations {
  private readonly items: string[] = [];
  add(value: unknown, member: string, constraint: string): this {
    this.items.push(`Value '${String(value)}' at '${member}' failed to satisfy constraint: ${constraint}`);
    return this;
  }
  throwIfAny(): void {
    if (this.items.length === 0) return;
    const n = this.items.length;
    throw logsErrors.invalidParameter(`${n} validation error${n === 1 ? "" : "s"} detected: ${this.items.join("; ")}`);
  }
}

/** TagResource past 50 tags on a resource (API_TagResource: "You can assign as many as 50 tags"). */
export const tooManyTags = (resourceName: string) =>
  new AwsError("TooManyTagsException", "A resource can have no more than 50 tags.", { status: 400, fields: { resourceName } });
