/**
 * The `query` protocol codec (aws.protocols#awsQuery): STS, IAM, CloudFormation, ELBv2, RDS,
 * SNS, SQS (query mode)...
 *
 * Requests: form-urlencoded `Action=...&Version=...` parameters (POST body or URL query string).
 * Keys are the member's xmlName or name; lists `Name.member.N` (the list member's xmlName replaces
 * `member`; `Name.N` when flattened; `Name=` for an empty list); maps `Name.entry.N.key/value`
 * (key/value xmlNames honoured; `Name.N.key` when flattened), as the SDK's QueryShapeSerializer
 * writes them.
 *
 * Responses: `<OpResponse xmlns><OpResult>members</OpResult><ResponseMetadata><RequestId/>
 * </ResponseMetadata></OpResponse>`. Errors: `<ErrorResponse xmlns><Error><Type>Sender|Receiver
 * </Type><Code/><Message/>fields</Error><RequestId/></ErrorResponse>`
 * (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html). A modelled error with
 * the awsQueryError trait goes out with that trait's code and status (e.g. STS's
 * IDPRejectedClaimException is `IDPRejectedClaim`, 403): the SDK maps the wire code back to the
 * shape through the same trait (ProtocolLib.findQueryCompatibleError).
 */
import type { AwsError } from "../core/index.js";
import type { ProtocolCodec } from "./codec.js";
import type { ServiceModel, Shape } from "./model.js";
import {
  XML_DECLARATION,
  escapeXml,
  parseQueryInput,
  resolveAction,
  writeErrorFields,
  writeMembers,
  xmlResponse,
} from "./query-common.js";

const DIALECT = { ec2: false } as const;

/** The modelled error shape of an AwsError: by shape name, or by its awsQueryError wire code. */
const findErrorShape = (model: ServiceModel, code: string): Shape | undefined => {
  const direct = model.errors.get(code);
  if (direct) return direct;
  for (const shape of model.errors.values()) {
    if (shape.traits.awsQueryError?.[0] === code) return shape;
  }
  return undefined;
};

const xmlns = (model: ServiceModel): string => (model.xmlNamespace ? ` xmlns="${escapeXml(model.xmlNamespace)}"` : "");

export const queryCodec: ProtocolCodec = {
  resolveOperation: (model, req) => resolveAction(model, req),

  parseInput: (_model, op, req) => parseQueryInput(DIALECT, op, req),

  serializeOutput(model, op, output, meta) {
    const root = `${op.name}Response`;
    const result = `${op.name}Result`;
    const out: string[] = [XML_DECLARATION, `<${root}${xmlns(model)}>`];
    // Operations without output members (IAM DeleteRole...) answer without a Result element.
    if (op.output.kind === "structure" && op.output.members.size > 0) {
      out.push(`<${result}>`);
      if (output) writeMembers(out, op.output, output);
      out.push(`</${result}>`);
    }
    out.push(`<ResponseMetadata><RequestId>${escapeXml(meta.requestId)}</RequestId></ResponseMetadata>`, `</${root}>`);
    return xmlResponse(200, out.join(""), meta.requestId);
  },

  serializeError(model, _op, error: AwsError, meta) {
    const shape = findErrorShape(model, error.code);
    const queryError = shape?.traits.awsQueryError;
    const code = queryError?.[0] ?? error.code;
    const status = queryError?.[1] ?? error.status;
    const type = error.fault === "server" || status >= 500 ? "Receiver" : "Sender";
    const out: string[] = [
      XML_DECLARATION,
      `<ErrorResponse${xmlns(model)}><Error>`,
      `<Type>${type}</Type>`,
      `<Code>${escapeXml(code)}</Code>`,
      `<Message>${escapeXml(error.message)}</Message>`,
    ];
    writeErrorFields(out, shape, error.fields);
    out.push("</Error>", `<RequestId>${escapeXml(meta.requestId)}</RequestId>`, "</ErrorResponse>");
    return xmlResponse(status, out.join(""), meta.requestId, error.headers);
  },
};
