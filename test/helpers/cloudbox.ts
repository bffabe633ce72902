/**
 * startCloudbox(): an in-process Cloudbox for tests (free port, in-memory store, silent).
 *
 *   const cb = await startCloudbox();
 *   after(() => cb.stop());
 *   const sts = new STSClient(cb.clientConfig);
 */
import "./env.js";
import { createCloudbox, type Cloudbox, type CloudboxOptions } from "../../src/runtime/index.js";

export type { Cloudbox, CloudboxOptions };

export const startCloudbox = (options: CloudboxOptions = {}): Promise<Cloudbox> =>
  createCloudbox({ port: 0, ephemeral: true, logLevel: (process.env.CLOUDBOX_TEST_LOG_LEVEL as CloudboxOptions["logLevel"]) ?? "silent", ...options });
