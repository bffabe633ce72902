/** Asserting AWS errors as the SDK v3 clients throw them: the code as `name`, the HTTP status. */
import assert from "node:assert/strict";

export const expectAwsError = async (p: Promise<unknown>, code: string, status: number, message?: RegExp): Promise<void> => {
  await assert.rejects(p, (e: unknown) => {
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    assert.ok(err.$metadata, `expected an AWS service error, got ${String(e)}`);
    assert.equal(err.name, code, `${err.name}: ${err.message}`);
    assert.equal(err.$metadata.httpStatusCode, status, `${err.name}: ${err.message}`);
    if (message) assert.match(err.message ?? "", message);
    return true;
  });
};
