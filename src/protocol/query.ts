/** The query protocol codec (placeholder: being written). */
import type { ProtocolCodec } from "./codec.js";
import { AwsError } from "../core/index.js";

const todo = (): never => {
  throw new AwsError("NotImplemented", "The query protocol codec is not written yet.", { status: 501, fault: "server" });
};

export const queryCodec: ProtocolCodec = {
  resolveOperation: todo,
  parseInput: todo,
  serializeOutput: todo,
  serializeError: todo,
};
