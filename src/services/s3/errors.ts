/**
 * S3 error codes, one factory each, with the HTTP status and message S3 answers
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList). S3's error
 * body carries extra elements (BucketName, Key, ...) that the codec writes from `fields`.
 */
import { AwsError } from "../../core/index.js";

export const s3Errors = {
  noSuchBucket: (bucket: string) =>
    new AwsError("NoSuchBucket", "The specified bucket does not exist", { status: 404, fields: { BucketName: bucket } }),
  noSuchKey: (key: string) => new AwsError("NoSuchKey", "The specified key does not exist.", { status: 404, fields: { Key: key } }),
  noSuchUpload: (uploadId: string) =>
    new AwsError(
      "NoSuchUpload",
      "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
      { status: 404, fields: { UploadId: uploadId } },
    ),
  noSuchTagSet: (bucket: string) => new AwsError("NoSuchTagSet", "The TagSet does not exist", { status: 404, fields: { BucketName: bucket } }),
  bucketAlreadyExists: (bucket: string) =>
    new AwsError(
      "BucketAlreadyExists",
      "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
      { status: 409, fields: { BucketName: bucket } },
    ),
  bucketAlreadyOwnedByYou: (bucket: string) =>
    new AwsError("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", {
      status: 409,
      fields: { BucketName: bucket },
    }),
  bucketNotEmpty: (bucket: string) =>
    new AwsError("BucketNotEmpty", "The bucket you tried to delete is not empty", { status: 409, fields: { BucketName: bucket } }),
  invalidBucketName: (bucket: string) =>
    new AwsError("InvalidBucketName", "The specified bucket is not valid.", { status: 400, fields: { BucketName: bucket } }),
  /** e.g. "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to." */
  illegalLocationConstraint: (constraint: string | undefined) =>
    new AwsError(
      "IllegalLocationConstraintException",
      `The ${constraint ? constraint : "unspecified"} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      { status: 400 },
    ),
  invalidLocationConstraint: (constraint: string) =>
    new AwsError("InvalidLocationConstraint", "The specified location-constraint is not valid", { status: 400, fields: { LocationConstraint: constraint } }),
  accessDenied: () => new AwsError("AccessDenied", "Access Denied", { status: 403 }),
  badDigest: (what = "Content-MD5") =>
    new AwsError("BadDigest", `The ${what} you specified did not match the calculated checksum.`, { status: 400 }),
  invalidDigest: () => new AwsError("InvalidDigest", "The Content-MD5 you specified was invalid.", { status: 400 }),
  invalidRange: (size: number, range: string) =>
    new AwsError("InvalidRange", "The requested range is not satisfiable", {
      status: 416,
      fields: { RangeRequested: range, ActualObjectSize: String(size) },
    }),
  preconditionFailed: (condition: string) =>
    new AwsError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", { status: 412, fields: { Condition: condition } }),
  notModified: () => new AwsError("NotModified", "Not Modified", { status: 304 }),
  invalidArgument: (message: string, name?: string, value?: string) =>
    new AwsError("InvalidArgument", message, { status: 400, fields: name ? { ArgumentName: name, ArgumentValue: value ?? "" } : {} }),
  invalidRequest: (message: string) => new AwsError("InvalidRequest", message, { status: 400 }),
  invalidPart: () =>
    new AwsError(
      "InvalidPart",
      "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
      { status: 400 },
    ),
  invalidPartOrder: () =>
    new AwsError("InvalidPartOrder", "The list of parts was not in ascending order. The parts list must be specified in order by part number.", {
      status: 400,
    }),
  entityTooSmall: () => new AwsError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.", { status: 400 }),
  keyTooLong: () => new AwsError("KeyTooLongError", "Your key is too long", { status: 400 }),
  malformedXml: () =>
    new AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", { status: 400 }),
  invalidTag: (message: string) => new AwsError("InvalidTag", message, { status: 400 }),
} as const;
