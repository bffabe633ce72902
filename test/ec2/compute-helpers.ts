/** Shared assertions of the compute tests (not a test file itself). */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { EC2ServiceException } from "@aws-sdk/client-ec2";

export const expectError = async (p: Promise<unknown>, code: string, status: number, message?: RegExp): Promise<void> => {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof EC2ServiceException, `expected an EC2 error, got ${String(e)}`);
    assert.equal(e.name, code, `${e.name}: ${e.message}`);
    assert.equal(e.$metadata.httpStatusCode, status);
    if (message) assert.match(e.message, message);
    return true;
  });
};
