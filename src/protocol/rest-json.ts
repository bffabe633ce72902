/**
 * The rest-json protocol codec (restJson1: Lambda, EKS, EFS, Batch, API Gateway, ...).
 *
 * Routing by method and URI template, HTTP bindings (labels, query, headers, prefix headers,
 * payload, response code) from http-bindings.ts; the remaining members travel in a JSON body
 * keyed by jsonName (or member name), timestamps in epoch seconds unless the member says
 * otherwise. Errors: status from the error, `x-amzn-ErrorType: <Code>` (the SDK reads the header
 * first, see loadRestJsonErrorCode in @smithy/core/protocols/json/parseJsonBody.js) and a body
 * `{"message": ..., ...fields}`.
 *
 * Mirrors @aws-sdk/core/protocols/json/AwsRestJsonProtocol.js and
 * @smithy/core/protocols/HttpBindingProtocol.js. Event streams are not supported.
 */
import { AwsError, commonErrors, type HttpRequest } from "../core/index.js";
import type { ProtocolCodec } from "./codec.js";
import {
  asBuffer,
  bindingOf,
  bindsContentType,
  hasBodyMembers,
  labelsFor,
  missingRequired,
  payloadMember,
  plainBytes,
  readHttpBindings,
  requiredMessage,
  routeRequest,
  templateQueryKeys,
  toBytes,
  writeHttpBindings,
} from "./http-bindings.js";
import { lowerKeys } from "./json.js";
import { parseJsonBody, readJson, readJsonStruct, writeJson, writeJsonStruct, type JsonSettings } from "./json-value.js";
import type { OperationModel, ServiceModel, Shape } from "./model.js";

const SETTINGS: JsonSettings = { jsonName: true };
const isBody = (_name: string, m: Shape) => bindingOf(m) === "body";

/**
 * No route: 404 UnknownOperationException, as Smithy's server frameworks answer restJson1
 * requests that match no operation (smithy-rs, smithy-typescript ssdk); a path that exists for
 * another method: 405.
 */
const noRoute = (req: HttpRequest, methodMismatch: boolean): AwsError =>
  methodMismatch
    ? new AwsError("MethodNotAllowedException", `The method ${req.method} is not allowed for the resource ${req.path}.`, { status: 405 })
    : new AwsError("UnknownOperationException", `No operation matches ${req.method} ${req.path}.`, { status: 404 });

export const restJsonCodec: ProtocolCodec = {
  resolveOperation(model, req) {
    const r = routeRequest(model, req);
    if ("op" in r) return r.op;
    throw noRoute(req, r.methodMismatch);
  },

  parseInput(model, op, req) {
    const shape = op.input;
    if (shape.kind === "unit") return {};
    const out: Record<string, unknown> = {};
    readHttpBindings(shape, req, labelsFor(model, op, req), out, commonErrors.serialization, templateQueryKeys(op));
    const missing: string[] = [];
    const payload = payloadMember(shape);
    if (payload) {
      const [name, member] = payload;
      const v = readPayload(member, req.body, name, missing);
      if (v !== undefined) out[name] = v;
    } else if (hasBodyMembers(shape)) {
      const body = parseJsonBody(req.body);
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        throw commonErrors.serialization("The request body must be a JSON object.");
      }
      Object.assign(out, readJsonStruct(shape, body as Record<string, unknown>, SETTINGS, "", missing, { only: isBody, checkRequired: false }));
    }
    missing.unshift(...missingRequired(shape, out));
    if (missing.length) throw commonErrors.validation(requiredMessage(missing));
    return out;
  },

  serializeOutput(_model, op, output, meta) {
    const headers: Record<string, string> = { "x-amzn-requestid": meta.requestId };
    const value = output ?? {};
    const shape = op.output;
    let status = op.http?.code ?? 200;
    let body: Buffer | string = "";
    if (shape.kind !== "unit") {
      status = writeHttpBindings(shape, value, headers) ?? status;
      body = writeBody(shape, value, headers);
    }
    return { status, headers, body };
  },

  serializeError(model, op, error, meta) {
    const headers: Record<string, string> = {
      "x-amzn-requestid": meta.requestId,
      "x-amzn-errortype": error.code,
      "content-type": "application/json",
    };
    const shape = model.errors.get(error.code);
    let body: Record<string, unknown>;
    if (shape) {
      writeHttpBindings(shape, error.fields, headers);
      body = writeJsonStruct(shape, error.fields, SETTINGS, isBody);
      for (const [k, v] of Object.entries(error.fields)) if (!shape.members.has(k) && v !== undefined) body[k] = v;
    } else {
      body = { ...error.fields };
    }
    const messageKey = messageKeyOf(shape);
    delete body.message;
    delete body.Message;
    Object.assign(headers, lowerKeys(error.headers));
    const text = JSON.stringify({ [messageKey]: error.message, ...body });
    return { status: error.status, headers, body: isHead(op) ? "" : text };
  },
};

export const isHead = (op: OperationModel | undefined): boolean => op?.http?.method.toUpperCase() === "HEAD";

/** Modelled error shapes spell the message member "message" or "Message"; AWS uses the model's spelling. */
const messageKeyOf = (shape: Shape | undefined): string => {
  if (!shape) return "message";
  for (const [name, m] of shape.members) if (name.toLowerCase() === "message") return m.traits.jsonName ?? name;
  return "message";
};

const readPayload = (member: Shape, body: Buffer, name: string, missing: string[]): unknown => {
  switch (member.kind) {
    case "blob":
      return body.length ? plainBytes(body) : undefined;
    case "string":
      return body.length ? body.toString("utf8") : undefined;
    case "structure":
    case "union":
    case "document":
    case "list":
    case "map": {
      if (!body.length) return undefined;
      const parsed = parseJsonBody(body);
      return readJson(member, parsed, SETTINGS, name.charAt(0).toLowerCase() + name.slice(1), missing);
    }
    default:
      return body.length ? body.toString("utf8") : undefined;
  }
};

/** Writes the payload member or the body members; sets content-type. */
const writeBody = (shape: Shape, value: Record<string, unknown>, headers: Record<string, string>): Buffer | string => {
  const payload = payloadMember(shape);
  if (payload) {
    const [name, member] = payload;
    const v = value[name];
    if (v === undefined || v === null) return "";
    switch (member.kind) {
      case "blob": {
        if (!bindsContentType(shape)) headers["content-type"] ??= member.traits.mediaType ?? "application/octet-stream";
        const b = toBytes(v);
        return b ? asBuffer(b) : "";
      }
      case "string":
        if (!bindsContentType(shape)) headers["content-type"] ??= member.traits.mediaType ?? "text/plain";
        return String(v);
      default:
        if (!bindsContentType(shape)) headers["content-type"] ??= "application/json";
        return JSON.stringify(writeJson(member, v, SETTINGS) ?? null);
    }
  }
  if (!hasBodyMembers(shape)) return "";
  headers["content-type"] = "application/json";
  return JSON.stringify(writeJsonStruct(shape, value, SETTINGS, isBody));
};
