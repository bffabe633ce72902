/**
 * Athena error codes, one factory each (https://docs.aws.amazon.com/athena/latest/APIReference/CommonErrors.html
 * and each operation's "Errors"): InvalidRequestException (400, with AthenaErrorCode),
 * MetadataException (400), InternalServerException (500). Messages follow Athena's answers,
 * e.g. "QueryExecution <id> was not found".
 */
import { AwsError } from "../../core/index.js";

export const athenaErrors = {
  invalidRequest: (message: string, athenaErrorCode = "INVALID_INPUT") =>
    new AwsError("InvalidRequestException", message, { status: 400, fields: { AthenaErrorCode: athenaErrorCode } }),
  metadata: (message: string) => new AwsError("MetadataException", message, { status: 400 }),
  internal: (message: string) => new AwsError("InternalServerException", message, { status: 500 }),
} as const;
