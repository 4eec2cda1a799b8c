// A JSON response written straight to the socket: the same status, headers and bytes as
// res.json() gives with ETags off, without Express's send() bookkeeping (charset rewriting,
// freshness check, ETag hook), which costs a hot endpoint like /me a measurable share of its CPU.
import type { Response } from 'express';

export function sendJson(res: Response, body: unknown): void {
  const text = JSON.stringify(body);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
