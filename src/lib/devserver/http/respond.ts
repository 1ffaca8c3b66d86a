// Small writers for the server's own answers, shaped like Go's net/http helpers so a client
// sees what production sends: http.Error is text/plain with nosniff and a trailing newline,
// http.NotFound says "404 page not found".

import type { ServerResponse } from 'node:http';

/** Go's http.Error. */
export function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${message}\n`;
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

/** Go's http.NotFound. */
export function sendNotFound(res: ServerResponse): void {
  sendError(res, 404, '404 page not found');
}

export function sendMethodNotAllowed(res: ServerResponse, allow: string): void {
  sendError(res, 405, 'method not allowed', { Allow: allow });
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

/** Writes `body` (or only the headers, for HEAD) with its length. */
export function sendBody(res: ServerResponse, status: number, headers: Record<string, string>, body: Uint8Array | string, head = false): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, 'Content-Length': String(bytes.byteLength) });
  res.end(head ? undefined : bytes);
}
