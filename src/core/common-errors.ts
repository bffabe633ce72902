/**
 * Errors that every service can answer with, whatever its protocol: the "common errors" of the
 * AWS APIs (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html,
 * https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html). Service-specific codes
 * live in each service's errors.ts.
 */
import { AwsError } from "./errors.js";

export const commonErrors = {
  internalFailure: () =>
    new AwsError("InternalFailure", "The request processing has failed because of an unknown error, exception or failure.", { status: 500 }),
  /** An operation in the service model that Cloudbox does not implement yet. */
  notImplemented: (service: string, operation: string) =>
    new AwsError("NotImplemented", `The operation ${operation} of service ${service} is not implemented by Cloudbox yet.`, { status: 501, fault: "server" }),
  /** Query protocols: an Action that the service does not have. */
  invalidAction: (action: string) =>
    new AwsError("InvalidAction", `The action ${action} is not valid for this web service.`, { status: 400 }),
  /** JSON protocols: an X-Amz-Target operation that the service does not have. */
  unknownOperation: (operation?: string) =>
    new AwsError("UnknownOperationException", operation ? `Unknown operation ${operation}` : "Unknown operation", { status: 400 }),
  missingAction: () => new AwsError("MissingAction", "The request must contain the parameter Action.", { status: 400 }),
  missingParameter: (name: string) =>
    new AwsError("MissingParameter", `The request must contain the parameter ${name}.`, { status: 400 }),
  invalidParameterValue: (message: string) => new AwsError("InvalidParameterValue", message, { status: 400 }),
  /** JSON and rest-json protocols use ValidationException for schema violations. */
  validation: (message: string) => new AwsError("ValidationException", message, { status: 400 }),
  serialization: (message: string) => new AwsError("SerializationException", message, { status: 400 }),
  // AWS lists MalformedQueryString as HTTP 404: https://docs.aws.amazon.com/cloudsearch/latest/developerguide/CommonErrors.html
  malformedQueryString: (message: string) => new AwsError("MalformedQueryString", message, { status: 404 }),
  malformedXml: (message = "The XML you provided was not well-formed or did not validate against our published schema.") =>
    new AwsError("MalformedXML", message, { status: 400 }),
  requestEntityTooLarge: (limit: number) =>
    new AwsError("RequestEntityTooLarge", `Request body exceeds the maximum allowed size of ${limit} bytes.`, { status: 413 }),
  unknownService: () =>
    new AwsError("UnrecognizedClientException", "The request could not be routed to an AWS service: sign it with SigV4 (the credential scope names the service) or send X-Amz-Target.", { status: 400 }),
  invalidClientTokenId: () =>
    new AwsError("InvalidClientTokenId", "The security token included in the request is invalid.", { status: 403 }),
} as const;
