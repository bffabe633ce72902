/** The protocol layer's public face: the codec for each protocol, and the model adapter. */
import type { ProtocolName } from "../core/index.js";
import type { ProtocolCodec } from "./codec.js";
import { ec2Codec } from "./ec2.js";
import { jsonCodec } from "./json.js";
import { queryCodec } from "./query.js";
import { restJsonCodec } from "./rest-json.js";
import { restXmlCodec } from "./rest-xml.js";

export type { ProtocolCodec, ResponseMeta } from "./codec.js";
export * from "./model.js";
export { modelFromSnapshot, snapshotModel, type ModelSnapshot } from "./model-snapshot.js";

const codecs: Record<ProtocolName, ProtocolCodec> = {
  ec2: ec2Codec,
  query: queryCodec,
  json: jsonCodec,
  "rest-json": restJsonCodec,
  "rest-xml": restXmlCodec,
};

export const codecFor = (protocol: ProtocolName): ProtocolCodec => codecs[protocol];
