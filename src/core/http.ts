/** The HTTP exchange as the gateway hands it to the protocol layer: bytes in, bytes out. */
export interface HttpRequest {
  method: string;
  /** Path without the query string, still percent-encoded as received. */
  path: string;
  /** Raw query string without the leading '?'. */
  query: string;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}
