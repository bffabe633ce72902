/**
 * The contract between the gateway and the five wire codecs. A codec knows a protocol, never a
 * service: everything service-specific comes from the ServiceModel (see model.ts).
 *
 * Values crossing this boundary use the SDK's JavaScript types: timestamps are Date, blobs are
 * Uint8Array (Buffer is fine), numbers are number, documents are plain JSON values.
 */
import type { AwsError, HttpRequest, HttpResponse } from "../core/index.js";
import type { OperationModel, ServiceModel } from "./model.js";

export interface ResponseMeta {
  requestId: string;
}

export interface ProtocolCodec {
  /**
   * Names the operation a request invokes (Action for query/ec2, X-Amz-Target for json, method
   * and URI template for rest protocols). Throws AwsError: InvalidAction / MissingAction (query,
   * ec2), UnknownOperationException (json), or the rest protocols' "no route" error.
   */
  resolveOperation(model: ServiceModel, req: HttpRequest): OperationModel;
  /**
   * Parses the request into the operation's input object, checking types and required members.
   * Throws AwsError with the protocol's code for malformed bodies and invalid values
   * (ec2/query: MissingParameter, InvalidParameterValue, MalformedQueryString;
   * json/rest-json: SerializationException, ValidationException; rest-xml: MalformedXML...).
   */
  parseInput(model: ServiceModel, op: OperationModel, req: HttpRequest): Record<string, unknown>;
  serializeOutput(model: ServiceModel, op: OperationModel, output: Record<string, unknown>, meta: ResponseMeta): HttpResponse;
  /** `op` is undefined when the error happened before an operation was known. */
  serializeError(model: ServiceModel, op: OperationModel | undefined, error: AwsError, meta: ResponseMeta): HttpResponse;
}
