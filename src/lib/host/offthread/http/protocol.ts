// What the host thread asks the HTTP worker, and what it answers.

export interface HttpWorkerRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
  allowedHosts: string[];
  /** Wall-clock deadline (Date.now() ms): the two threads share no performance.now() origin. */
  deadline: number;
  maxResponseBytes: number;
  /** Requests per call, the first included (Go's client: 10). */
  maxHops: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Uint8Array;
}

export type HttpResult = HttpResponse | { error: string };
