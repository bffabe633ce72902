/**
 * Step Functions error codes, one factory each. All are HTTP 400 client errors in the json 1.0
 * protocol (Step Functions API Reference, each operation's "Errors" section, e.g.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
 * Message texts follow what the real service answers: "<Words Of The Code>: '<arn or detail>'".
 */
import { AwsError } from "../../core/index.js";

const e = (code: string, message: string, status = 400, fields?: Record<string, unknown>) => new AwsError(code, message, { status, fields });

export const sfnErrors = {
  stateMachineDoesNotExist: (arn: string) => e("StateMachineDoesNotExist", `State Machine Does Not Exist: '${arn}'`),
  stateMachineAlreadyExists: (arn: string) => e("StateMachineAlreadyExists", `State Machine Already Exists: '${arn}'`),
  stateMachineDeleting: (arn: string) => e("StateMachineDeleting", `State Machine is being deleted: '${arn}'`),
  stateMachineTypeNotSupported: (message: string) => e("StateMachineTypeNotSupported", message),
  /** The message comes from the engine's formatInvalidDefinition ("Invalid State Machine Definition: '...'"). */
  invalidDefinition: (message: string) => e("InvalidDefinition", message),
  invalidArn: (value: string, detail = "Resource type not valid in this context") => e("InvalidArn", `Invalid Arn: '${detail}: ${value}'`),
  invalidName: (name: string) => e("InvalidName", `Invalid Name: '${name}'`),
  invalidLoggingConfiguration: (message: string) => e("InvalidLoggingConfiguration", message),
  invalidTracingConfiguration: (message: string) => e("InvalidTracingConfiguration", message),
  executionDoesNotExist: (arn: string) => e("ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`),
  executionAlreadyExists: (arn: string) => e("ExecutionAlreadyExists", `Execution Already Exists: '${arn}'`),
  executionLimitExceeded: (message: string) => e("ExecutionLimitExceeded", message),
  executionNotRedrivable: (message: string) => e("ExecutionNotRedrivable", message),
  taskDoesNotExist: (message = "Task Does Not Exist") => e("TaskDoesNotExist", message),
  taskTimedOut: (message = "Task Timed Out") => e("TaskTimedOut", message),
  invalidToken: (message = "Invalid Token: 'Invalid token'") => e("InvalidToken", message),
  invalidExecutionInput: (message: string) => e("InvalidExecutionInput", message),
  invalidOutput: (message: string) => e("InvalidOutput", message),
  activityDoesNotExist: (arn: string) => e("ActivityDoesNotExist", `Activity Does Not Exist: '${arn}'`),
  activityAlreadyExists: (arn: string) => e("ActivityAlreadyExists", `Activity Already Exists: '${arn}'`),
  resourceNotFound: (message: string) => e("ResourceNotFound", message),
  conflict: (message: string) => e("ConflictException", message),
  tooManyTags: (message: string) => e("TooManyTags", message),
  validation: (message: string, reason?: string) => e("ValidationException", message, 400, reason ? { reason } : undefined),
  /** ListExecutions/GetExecutionHistory with a token that this service did not hand out. */
  invalidToken2: (message: string) => e("InvalidToken", message),
} as const;
