/**
 * The `ec2` protocol codec (aws.protocols#ec2Query), used by EC2 only.
 *
 * Requests: form-urlencoded `Action=...&Version=...` parameters (POST body or URL query string).
 * Keys are the member's ec2QueryName, else its xmlName with the first letter upper-cased, else the
 * member name; every list is flattened as `Name.N` (EC2 ignores the list member's name), as the
 * SDK's AwsEc2QueryProtocol writes them (capitalizeKeys, flattenLists).
 *
 * Responses: `<OpResponse xmlns="..."><requestId>..</requestId>members</OpResponse>` with no
 * Result wrapper (AwsEc2QueryProtocol.useNestedResult() is false); lists as `<name><item>..`.
 * Errors: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
 */
import type { ProtocolCodec } from "./codec.js";
import {
  XML_DECLARATION,
  escapeXml,
  parseQueryInput,
  resolveAction,
  writeErrorFields,
  writeMembers,
  xmlResponse,
} from "./query-common.js";

const DIALECT = { ec2: true } as const;

export const ec2Codec: ProtocolCodec = {
  resolveOperation: (model, req) => resolveAction(model, req),

  parseInput: (_model, op, req) => parseQueryInput(DIALECT, op, req),

  serializeOutput(model, op, output, meta) {
    const root = `${op.name}Response`;
    const ns = model.xmlNamespace ? ` xmlns="${escapeXml(model.xmlNamespace)}"` : "";
    const out: string[] = [XML_DECLARATION, `<${root}${ns}>`, `<requestId>${escapeXml(meta.requestId)}</requestId>`];
    if (op.output.kind === "structure" && output) writeMembers(out, op.output, output);
    out.push(`</${root}>`);
    return xmlResponse(200, out.join(""), meta.requestId);
  },

  serializeError(_model, _op, error, meta) {
    const out: string[] = [
      XML_DECLARATION,
      "<Response><Errors><Error>",
      `<Code>${escapeXml(error.code)}</Code>`,
      `<Message>${escapeXml(error.message)}</Message>`,
    ];
    writeErrorFields(out, undefined, error.fields);
    out.push("</Error></Errors>", `<RequestID>${escapeXml(meta.requestId)}</RequestID>`, "</Response>");
    return xmlResponse(error.status, out.join(""), meta.requestId, error.headers);
  },
};
