/**
 * The json protocol codec (awsJson1_0 and awsJson1_1: Step Functions, EventBridge, ECS, ...).
 *
 * Requests: POST / with `X-Amz-Target: <targetPrefix>.<Operation>` and a JSON body keyed by member
 * names (jsonName is not used by awsJson). Responses: `application/x-amz-json-1.0|1.1`, members
 * omitted when undefined, timestamps in epoch seconds. Errors: `{"__type": ..., "message": ...}`
 * plus the error's fields, with `x-amzn-ErrorType`.
 *
 * Mirrors @aws-sdk/core/protocols/json/AwsJsonRpcProtocol.js and loadJsonRpcErrorCode (the SDK
 * reads `__type`, strips a `namespace#` prefix and a `:...` suffix). It does not know services.
 */
import { commonErrors } from "../core/index.js";
import type { ProtocolCodec } from "./codec.js";
import { requiredMessage } from "./http-bindings.js";
import { parseJsonBody, readJsonStruct, writeJsonStruct, type JsonSettings } from "./json-value.js";
import type { ServiceModel } from "./model.js";

const SETTINGS: JsonSettings = { jsonName: false };

/**
 * The `__type` AWS writes. awsJson1_0 services (DynamoDB, Step Functions, ...) answer with the
 * namespace-qualified shape id (e.g. "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"),
 * and Coral's own errors come from com.amazon.coral.service / com.amazon.coral.validate;
 * awsJson1_1 services (EventBridge, CloudWatch Logs, ECS) answer with the bare code. Every SDK and
 * botocore split on '#', so both forms are read the same.
 */
export const jsonErrorType = (model: ServiceModel, code: string): string => {
  if (code.includes("#")) return code;
  if (model.jsonVersion !== "1.0") return code;
  if (model.errors.has(code) && model.namespace) return `${model.namespace}#${code}`;
  if (code === "ValidationException") return `com.amazon.coral.validate#${code}`;
  if (code === "UnknownOperationException" || code === "SerializationException" || code === "InternalFailure") return `com.amazon.coral.service#${code}`;
  return code;
};

export const jsonCodec: ProtocolCodec = {
  resolveOperation(model, req) {
    const target = req.headers["x-amz-target"];
    if (!target) throw commonErrors.unknownOperation();
    const dot = target.lastIndexOf(".");
    const prefix = dot < 0 ? "" : target.slice(0, dot);
    const name = dot < 0 ? target : target.slice(dot + 1);
    if (model.targetPrefix && prefix !== model.targetPrefix) throw commonErrors.unknownOperation(target);
    const op = model.operations.get(name);
    if (!op) throw commonErrors.unknownOperation(name);
    return op;
  },

  parseInput(_model, op, req) {
    const body = parseJsonBody(req.body);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw commonErrors.serialization("The request body must be a JSON object.");
    }
    if (op.input.kind === "unit") return {};
    const missing: string[] = [];
    const input = readJsonStruct(op.input, body as Record<string, unknown>, SETTINGS, "", missing);
    if (missing.length) throw commonErrors.validation(requiredMessage(missing));
    return input;
  },

  serializeOutput(model, op, output, meta) {
    const body = op.output.kind === "unit" ? {} : writeJsonStruct(op.output, output ?? {}, SETTINGS);
    return {
      status: 200,
      headers: {
        "content-type": `application/x-amz-json-${model.jsonVersion ?? "1.1"}`,
        "x-amzn-requestid": meta.requestId,
      },
      body: JSON.stringify(body),
    };
  },

  serializeError(model, _op, error, meta) {
    const shape = model.errors.get(error.code);
    const fields = shape ? writeJsonStruct(shape, error.fields, SETTINGS) : { ...error.fields };
    // Fields the model does not declare still travel as given.
    if (shape) for (const [k, v] of Object.entries(error.fields)) if (!shape.members.has(k) && v !== undefined) fields[k] = v;
    // The message key: modelled error shapes name it "message" or "Message"; AWS uses the
    // model's spelling and the SDK reads either.
    const messageKey = shape && shape.members.has("Message") && !shape.members.has("message") ? "Message" : "message";
    delete fields.message;
    delete fields.Message;
    const body = { __type: jsonErrorType(model, error.code), [messageKey]: error.message, ...fields };
    return {
      status: error.status,
      headers: {
        "content-type": `application/x-amz-json-${model.jsonVersion ?? "1.1"}`,
        "x-amzn-requestid": meta.requestId,
        "x-amzn-errortype": error.code,
        ...lowerKeys(error.headers),
      },
      body: JSON.stringify(body),
    };
  },
};

export const lowerKeys = (h: Record<string, string>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
};
