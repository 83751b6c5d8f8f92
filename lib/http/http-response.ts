/**
 * Minimal, adapter-neutral access to the request/response objects Nest hands to interceptors and
 * filters: an Express `Request`/`Response`, or a Fastify `FastifyRequest`/`FastifyReply`
 * (whose Node objects are on `.raw`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The Express response or the Fastify reply. */
export interface AdapterResponse {
  raw?: ServerResponse;
  statusCode?: number;
  header?: (name: string, value: string) => unknown;
  code?: (status: number) => unknown;
  setHeader?: (name: string, value: string) => unknown;
  status?: (status: number) => unknown;
}

/** The Express request or the Fastify request. */
export interface AdapterRequest {
  raw?: IncomingMessage;
  method?: string;
  url?: string;
  originalUrl?: string;
  headers?: Record<string, string | string[] | undefined>;
  route?: { path?: unknown };
  routeOptions?: { url?: unknown };
  routerPath?: unknown;
}

/** The Node `ServerResponse` under an Express response or Fastify reply. */
export function rawResponse(res: AdapterResponse): ServerResponse {
  return (res.raw ?? res) as ServerResponse;
}

/** Sets a response header on either adapter (no-op once headers are sent). */
export function setResponseHeader(
  res: AdapterResponse,
  name: string,
  value: string,
): void {
  const raw = rawResponse(res);
  if (raw.headersSent) return;
  if (typeof res.header === 'function' && res.raw) res.header(name, value);
  else raw.setHeader(name, value);
}

/**
 * The `Server-Timing` header value for `ms` of application time: `app;dur=<ms>` with one
 * decimal (formatted without `toFixed`, which costs twice as much on every response).
 */
export function serverTimingValue(ms: number): string {
  const tenths = Math.round(ms * 10);
  if (!(tenths >= 0 && tenths < Number.MAX_SAFE_INTEGER))
    return `app;dur=${ms.toFixed(1)}`;
  return `app;dur=${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** Sets the response status on either adapter (no-op once headers are sent). */
export function setResponseStatus(res: AdapterResponse, status: number): void {
  const raw = rawResponse(res);
  if (raw.headersSent) return;
  if (typeof res.code === 'function' && res.raw) res.code(status);
  else raw.statusCode = status;
}

/** The path of the request without its query string, cut to 2,000 characters. */
export function requestPath(req: AdapterRequest): string | undefined {
  const url = req.originalUrl ?? req.url ?? req.raw?.url;
  if (typeof url !== 'string') return undefined;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return path.length > 2000 ? path.slice(0, 2000) : path;
}

/** The route template (`/orders/:id`) of the matched route, never the raw URL. */
export function routeTemplate(req: AdapterRequest): string | undefined {
  const express = req.route?.path;
  if (typeof express === 'string') return express;
  const fastify = req.routeOptions?.url ?? req.routerPath;
  return typeof fastify === 'string' ? fastify : undefined;
}

/** The request method (`GET`, …). */
export function requestMethod(req: AdapterRequest): string {
  return req.method ?? req.raw?.method ?? 'GET';
}

/** Whether the client went away before the response was complete. */
export function isResponseGone(res: AdapterResponse): boolean {
  const raw = rawResponse(res);
  return raw.destroyed === true || raw.writableEnded === true;
}

/** The reason a client-disconnect signal aborts with (an `AbortError`). */
export function clientGoneError(): Error {
  const e = new Error(
    'The client closed the connection before the response was sent',
  );
  e.name = 'AbortError';
  return e;
}

/**
 * An AbortController that aborts when the connection of `res` closes before the response was
 * fully written (the client went away), and a function that stops watching.
 */
export function watchClientDisconnect(res: AdapterResponse): {
  controller: AbortController;
  stop: () => void;
} {
  const controller = new AbortController();
  const raw = rawResponse(res);
  const onClose = (): void => {
    if (!raw.writableFinished) controller.abort(clientGoneError());
  };
  if (raw.destroyed) onClose();
  else raw.once('close', onClose);
  return { controller, stop: () => raw.removeListener('close', onClose) };
}
