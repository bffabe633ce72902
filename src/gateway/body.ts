/** Reads a request body up to a limit; past the limit it drains (and discards) the rest, so the client can read our 413. */
import type { IncomingMessage } from "node:http";

export interface BodyResult {
  body: Buffer;
  /** True when the body was larger than the limit (body is then empty). */
  tooLarge: boolean;
  /** Bytes received in total. */
  size: number;
}

const EMPTY = Buffer.alloc(0);
/** Past this many bytes (or the limit times 16) we stop draining and drop the connection. */
const HARD_DRAIN_CAP = 1024 * 1024 * 1024;

export const readBody = (req: IncomingMessage, limit: number): Promise<BodyResult> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    let tooLarge = Number.isFinite(declared) && declared > limit;
    const chunks: Buffer[] = [];
    let size = 0;
    const drainCap = Math.min(HARD_DRAIN_CAP, Math.max(limit * 16, 64 * 1024 * 1024));
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (tooLarge || size > limit) {
        tooLarge = true;
        chunks.length = 0;
        if (size > drainCap) {
          // Do not read gigabytes only to refuse them: answer from the headers and drop the socket.
          req.removeAllListeners("data");
          req.pause();
          resolve({ body: EMPTY, tooLarge: true, size });
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (tooLarge) resolve({ body: EMPTY, tooLarge: true, size });
      else resolve({ body: chunks.length === 1 ? chunks[0] : chunks.length === 0 ? EMPTY : Buffer.concat(chunks, size), tooLarge: false, size });
    });
    req.on("error", reject);
  });
