/**
 * AwsError: the one error type that crosses from a handler to the protocol layer.
 *
 * Each service declares one factory per AWS error code in its own errors.ts; the protocol layer
 * serializes an AwsError in the wire format of the service's protocol. Anything that is not an
 * AwsError becomes a 500 InternalFailure (the gateway logs it with the request id).
 */
export type ErrorFault = "client" | "server";

export interface AwsErrorOptions {
  /** HTTP status; defaults to 400 for client faults and 500 for server faults. */
  status?: number;
  fault?: ErrorFault;
  /** Extra members of the error shape (for example `Type` or `retryAfterSeconds`). */
  fields?: Record<string, unknown>;
  /** Extra response headers (for example `x-amzn-ErrorType` overrides). */
  headers?: Record<string, string>;
}

export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  readonly fault: ErrorFault;
  readonly fields: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(code: string, message: string, options: AwsErrorOptions = {}) {
    super(message);
    this.name = "AwsError";
    this.code = code;
    this.fault = options.fault ?? (options.status !== undefined && options.status >= 500 ? "server" : "client");
    this.status = options.status ?? (this.fault === "server" ? 500 : 400);
    this.fields = options.fields ?? {};
    this.headers = options.headers ?? {};
  }
}

export const isAwsError = (e: unknown): e is AwsError => e instanceof AwsError;
