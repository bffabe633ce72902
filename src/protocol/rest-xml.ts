/**
 * The rest-xml protocol codec (restXml: S3, Route 53, CloudFront).
 *
 * Routing by method and URI template (S3: bucket from the Host or the first path segment, see
 * http-bindings.ts), HTTP bindings shared with rest-json, and an XML body for the remaining
 * members (or the payload member): rest-xml-value.ts walks the shape. Output bodies have the
 * output shape's xmlName as root element and the service's xmlNamespace as `xmlns`; headers
 * `x-amz-request-id` and `x-amz-id-2`.
 *
 * Errors: S3 answers `<Error><Code/><Message/><RequestId/><HostId/></Error>` (no wrapper,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html); Route 53 and CloudFront
 * answer `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 * The SDK accepts both (loadRestXmlErrorCode reads `Error.Code` or `Code` under the root, see
 * @aws-sdk/core/protocols/xml/parseXmlBody.js); we choose by model.name === "s3" because the
 * model does not carry the difference. HEAD responses never carry a body (the SDK then names a
 * 404 "NotFound", as S3's HeadObject does).
 *
 * S3 uploads with `Content-Encoding: aws-chunked` (SigV4 streaming, trailing checksums) are
 * decoded here, trailers becoming headers. Event streams (SelectObjectContent) are not supported.
 */
import { AwsError, commonErrors, type HttpRequest } from "../core/index.js";
import type { ProtocolCodec } from "./codec.js";
import {
  BindingValueError,
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
  asBuffer,
  writeHttpBindings,
} from "./http-bindings.js";
import { isHead } from "./rest-json.js";
import { outputBodyOverrides, outputStatusOverrides } from "./rest-overrides.js";
import { parseXml, readXmlStruct, writeXmlStruct, XmlSyntaxError, XmlValueError, type XmlElement } from "./rest-xml-value.js";
import type { ServiceModel, Shape } from "./model.js";
import { escapeXml } from "./xml-escape.js";

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';
const isBody = (_name: string, m: Shape) => bindingOf(m) === "body";

const invalidArgument = (message: string) => new AwsError("InvalidArgument", message, { status: 400 });

const noRoute = (req: HttpRequest, methodMismatch: boolean): AwsError =>
  methodMismatch
    ? new AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", { status: 405 })
    : new AwsError("UnknownOperationException", `No operation matches ${req.method} ${req.path}.`, { status: 404 });

const parseBodyXml = (body: Buffer): XmlElement => {
  try {
    return parseXml(body.toString("utf8"));
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw commonErrors.malformedXml();
    throw e;
  }
};

/** Decodes an aws-chunked body: `<hex-size>[;chunk-signature=...]\r\n<bytes>\r\n ... 0\r\n<trailers>\r\n`. */
export const decodeAwsChunked = (body: Buffer): { body: Buffer; trailers: Record<string, string> } => {
  const parts: Buffer[] = [];
  const trailers: Record<string, string> = {};
  let i = 0;
  for (;;) {
    const eol = body.indexOf("\r\n", i);
    if (eol < 0) throw invalidArgument("Invalid aws-chunked body: missing chunk header.");
    const header = body.subarray(i, eol).toString("latin1");
    const size = parseInt(header.split(";", 1)[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0) throw invalidArgument("Invalid aws-chunked body: bad chunk size.");
    i = eol + 2;
    if (size === 0) break;
    if (i + size > body.length) throw new AwsError("IncompleteBody", "The request body terminated unexpectedly", { status: 400 });
    parts.push(body.subarray(i, i + size));
    i += size;
    if (body.subarray(i, i + 2).toString("latin1") === "\r\n") i += 2;
  }
  for (const line of body.subarray(i).toString("utf8").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { body: Buffer.concat(parts), trailers };
};

/** Removes the aws-chunked transport encoding, returning the request as the handler should see it. */
const unchunk = (req: HttpRequest): HttpRequest => {
  const enc = req.headers["content-encoding"] ?? "";
  const sha = req.headers["x-amz-content-sha256"] ?? "";
  if (!/aws-chunked/i.test(enc) && !sha.startsWith("STREAMING-")) return req;
  const { body, trailers } = decodeAwsChunked(req.body);
  const headers = { ...req.headers, ...trailers };
  const rest = enc.split(",").map((s) => s.trim()).filter((s) => s && s.toLowerCase() !== "aws-chunked");
  if (rest.length) headers["content-encoding"] = rest.join(",");
  else delete headers["content-encoding"];
  if (headers["x-amz-decoded-content-length"]) headers["content-length"] = headers["x-amz-decoded-content-length"];
  return { ...req, headers, body };
};

const hostId = (requestId: string) => Buffer.from(`cloudbox/${requestId}`).toString("base64");

export const restXmlCodec: ProtocolCodec = {
  resolveOperation(model, req) {
    const r = routeRequest(model, req);
    if ("op" in r) return r.op;
    throw noRoute(req, r.methodMismatch);
  },

  parseInput(model, op, rawReq) {
    const shape = op.input;
    if (shape.kind === "unit") return {};
    const req = unchunk(rawReq);
    const out: Record<string, unknown> = {};
    readHttpBindings(shape, req, labelsFor(model, op, req), out, invalidArgument, templateQueryKeys(op));
    const missing: string[] = [];
    try {
      const payload = payloadMember(shape);
      if (payload) {
        const [name, member] = payload;
        if (req.body.length) {
          if (member.kind === "blob") out[name] = plainBytes(req.body);
          else if (member.kind === "string") out[name] = req.body.toString("utf8");
          else if (member.kind === "structure" || member.kind === "union") out[name] = readXmlStruct(member, parseBodyXml(req.body), name, missing);
          else out[name] = req.body.toString("utf8");
        }
      } else if (hasBodyMembers(shape) && req.body.length && req.body.toString("utf8").trim() !== "") {
        Object.assign(out, readXmlStruct(shape, parseBodyXml(req.body), "", missing, isBody, false));
      }
    } catch (e) {
      if (e instanceof XmlValueError || e instanceof BindingValueError) throw commonErrors.malformedXml(e.message);
      throw e;
    }
    missing.unshift(...missingRequired(shape, out));
    if (missing.length) {
      // S3 has no ValidationException: a body it cannot use is MalformedXML, a missing
      // parameter InvalidArgument. Route 53 / CloudFront use InvalidInput.
      const message = requiredMessage(missing);
      if (model.name === "s3") throw invalidArgument(message);
      throw new AwsError("InvalidInput", message, { status: 400 });
    }
    return out;
  },

  serializeOutput(model, op, output, meta) {
    const headers: Record<string, string> = { "x-amz-request-id": meta.requestId, "x-amz-id-2": hostId(meta.requestId) };
    const value = output ?? {};
    const shape = op.output;
    let status = op.http?.code ?? 200;
    let body: Buffer | string = "";
    if (shape.kind !== "unit") {
      status = writeHttpBindings(shape, value, headers) ?? status;
      status = outputStatusOverrides.get(`${model.name}:${op.name}`)?.(value) ?? status;
      const override = outputBodyOverrides.get(`${model.name}:${op.name}`);
      if (override) {
        headers["content-type"] = "application/xml";
        body = override.body(value, model.xmlNamespace);
      } else {
        body = writeBody(model, shape, value, headers);
      }
    }
    if (isHead(op)) body = "";
    return { status, headers, body };
  },

  serializeError(model, op, error, meta) {
    const headers: Record<string, string> = {
      "x-amz-request-id": meta.requestId,
      "x-amz-id-2": hostId(meta.requestId),
      "content-type": "application/xml",
    };
    const shape = model.errors.get(error.code);
    let fieldsXml = "";
    if (shape) {
      writeHttpBindings(shape, error.fields, headers);
      const inner = writeXmlStruct(shape, error.fields, "X", undefined, [], (n, m) => isBody(n, m) && n.toLowerCase() !== "message");
      fieldsXml = inner.slice(inner.indexOf(">") + 1, -"</X>".length);
    }
    // Fields the model does not declare still travel (S3's NoSuchKey carries <Key>, NoSuchBucket
    // <BucketName>, though their shapes have no members).
    for (const [k, v] of Object.entries(error.fields)) {
      if (shape?.members.has(k) || v === undefined || v === null || typeof v === "object" || k.toLowerCase() === "message") continue;
      if (!/^[A-Za-z_][\w.-]*$/.test(k)) continue;
      fieldsXml += `<${k}>${escapeXml(String(v))}</${k}>`;
    }
    for (const [k, v] of Object.entries(error.headers)) headers[k.toLowerCase()] = v;
    const code = `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>`;
    let body: string;
    if (model.name === "s3") {
      body = `${XML_DECL}<Error>${code}${fieldsXml}<RequestId>${escapeXml(meta.requestId)}</RequestId><HostId>${hostId(meta.requestId)}</HostId></Error>`;
    } else {
      const type = error.fault === "server" ? "Receiver" : "Sender";
      const ns = model.xmlNamespace ? ` xmlns="${escapeXml(model.xmlNamespace)}"` : "";
      body = `${XML_DECL}<ErrorResponse${ns}><Error><Type>${type}</Type>${code}${fieldsXml}</Error><RequestId>${escapeXml(meta.requestId)}</RequestId></ErrorResponse>`;
    }
    return { status: error.status, headers, body: isHead(op) ? "" : body };
  },
};


const writeBody = (model: ServiceModel, shape: Shape, value: Record<string, unknown>, headers: Record<string, string>): Buffer | string => {
  const payload = payloadMember(shape);
  if (payload) {
    const [name, member] = payload;
    const v = value[name];
    if (v === undefined || v === null) return "";
    if (member.kind === "blob") {
      if (!bindsContentType(shape)) headers["content-type"] ??= member.traits.mediaType ?? "application/octet-stream";
      const b = toBytes(v);
      return b ? asBuffer(b) : "";
    }
    if (member.kind === "string") {
      if (!bindsContentType(shape)) headers["content-type"] ??= member.traits.mediaType ?? "text/plain";
      return String(v);
    }
    if (member.kind === "structure" || member.kind === "union") {
      if (!bindsContentType(shape)) headers["content-type"] ??= "application/xml";
      const ns = member.traits.xmlNamespace?.uri ?? model.xmlNamespace;
      const attrs: [string, string][] = ns && !member.traits.xmlNamespace ? [["xmlns", ns]] : [];
      return XML_DECL + writeXmlStruct(member, v as Record<string, unknown>, member.traits.xmlName ?? member.name, undefined, attrs);
    }
    return String(v);
  }
  if (!hasBodyMembers(shape)) return "";
  headers["content-type"] = "application/xml";
  const ns = shape.traits.xmlNamespace?.uri ?? model.xmlNamespace;
  const attrs: [string, string][] = ns && !shape.traits.xmlNamespace ? [["xmlns", ns]] : [];
  return XML_DECL + writeXmlStruct(shape, value, shape.traits.xmlName ?? shape.name, undefined, attrs, isBody);
};
