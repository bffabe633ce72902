/**
 * Lambda error codes, one factory each, with Lambda's HTTP statuses (Lambda API Reference, each
 * operation's "Errors" section) and Lambda's message texts where they are known from real answers.
 * Lambda's error bodies carry `"Type": "User"` (or "Service") next to the message
 * (e.g. {"Type":"User","Message":"Function not found: arn:aws:lambda:...:function:x"}).
 */
import { AwsError } from "../../core/index.js";

const user = (code: string, message: string, status: number, extra: Record<string, unknown> = {}) =>
  new AwsError(code, message, { status, fields: { Type: "User", ...extra } });

export const lambdaErrors = {
  /** 404. "Function not found: <arn>" is the text real Lambda answers (GetFunction, Invoke...). */
  resourceNotFound: (message: string) => user("ResourceNotFoundException", message, 404),
  functionNotFound: (arn: string) => user("ResourceNotFoundException", `Function not found: ${arn}`, 404),
  /** 409: "Function already exist: <name>" (sic) on CreateFunction of an existing name. */
  resourceConflict: (message: string) => user("ResourceConflictException", message, 409),
  invalidParameterValue: (message: string) => user("InvalidParameterValueException", message, 400),
  /** 400: Invoke with a payload that is not JSON. */
  invalidRequestContent: (message: string) => user("InvalidRequestContentException", message, 400),
  /**
   * 429 with Reason (ThrottleReason enum of the model). Lambda answers "Rate Exceeded." with
   * Reason ReservedFunctionConcurrentInvocationLimitExceeded when reserved concurrency is used up
   * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html, TooManyRequestsException).
   */
  tooManyRequests: (reason: string, message = "Rate Exceeded.") =>
    user("TooManyRequestsException", message, 429, { Reason: reason, retryAfterSeconds: "1" }),
  /**
   * 413: a synchronous Invoke payload over 6 MB. The code real Lambda sends is
   * RequestEntityTooLargeException (not the model's RequestTooLargeException), with
   * "Request must be smaller than 6291456 bytes for the InvokeFunction operation".
   */
  requestEntityTooLarge: (limit: number) =>
    user("RequestEntityTooLargeException", `Request must be smaller than ${limit} bytes for the InvokeFunction operation`, 413),
  requestTooLarge: (message: string) => user("RequestTooLargeException", message, 413),
  /** 400: "Could not unzip uploaded file. Please check your file, then try to upload again." */
  invalidZipFile: (message = "Could not unzip uploaded file. Please check your file, then try to upload again.") =>
    user("InvalidParameterValueException", message, 400),
  /** 412: RevisionId does not match. */
  preconditionFailed: (message = "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id") =>
    user("PreconditionFailedException", message, 412),
  /** 400: PublishVersion/UpdateFunctionCode CodeSha256 mismatch. */
  codeStorageExceeded: (message: string) => user("CodeStorageExceededException", message, 400),
  serviceException: (message: string) => new AwsError("ServiceException", message, { status: 500, fields: { Type: "Service" } }),
} as const;
