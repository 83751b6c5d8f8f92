// The HTTP RED series of requests Nest answers before their route handler runs (a guard's
// 401/403, on the handler pipeline also a pipe's 400): they never become an operation, so no
// OperationEvent carries them to the metrics; ResultExceptionFilter records them here instead,
// once, after writing their response.
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants';
import type { ModulesContainer } from '@nestjs/core';
import { performance } from 'node:perf_hooks';
import type { CorrelationStore } from '../correlation/correlation-context';
import { httpExchangeOf } from '../correlation/correlation.middleware';
import type { HttpSeries } from '../metrics/http-series';
import type { RfsModuleOptions } from '../rfs.options';
import { enteredHandlerCall } from './entered-handler-call';
import {
  type AdapterRequest,
  type AdapterResponse,
  rawResponse,
  requestMethod,
  routeTemplate,
} from './http-response';
import { CALL } from './request-abort';
import { controllerRoutes, isUntracked } from './route-metadata';
import { registeredRouteTemplates } from './route-template';

/** What a request carries once a Result pipeline took it (ResultInterceptor's mark). */
interface SeenRequest extends AdapterRequest {
  [CALL]?: unknown;
  /** Fastify: the request matched no route (its not-found handler answers it). */
  is404?: unknown;
}

/** Fastify's reply times the request when an `onResponse` hook is on (Nest's adapter adds one). */
interface TimedResponse extends AdapterResponse {
  elapsedTime?: unknown;
}

/**
 * Records, in the HTTP RED series, a request ResultExceptionFilter answered that reached a
 * matched, tracked route but produced no operation event:
 *
 * - interceptor pipeline: ResultInterceptor never saw the request (a guard, or an interceptor
 *   in front of it, threw); a pipe's failure is its operation already;
 * - handler pipeline: the wrapped handler was not entered (guards and pipes threw). It is known
 *   only through the request's correlation store: without one (correlation off, route
 *   excluded) nothing is recorded, since a rejection cannot be told from a handler's throw.
 *
 * Unmatched requests (404 without a route template) and untracked routes (the scrape endpoint,
 * the dashboard) are not recorded. The duration is Fastify's own request timing when it keeps
 * one; otherwise the start is unknown and only the request counter is incremented.
 *
 * @internal used by ResultExceptionFilter
 */
export class HttpRejectionRecorder {
  /** `METHOD template` of every untracked route (a rejection there is no RED request). */
  private readonly untracked = new Set<string>();

  private constructor(
    private readonly pipeline: 'handler' | 'interceptor',
    private readonly series: () => HttpSeries | undefined,
  ) {}

  /**
   * The recorder of an application whose Result pipeline is on (else `undefined`): `series`
   * gives the HTTP RED series (`undefined` while `httpMetrics` is off).
   */
  static of(
    options: RfsModuleOptions | undefined,
    series: () => HttpSeries | undefined,
  ): HttpRejectionRecorder | undefined {
    const http = options?.http;
    if (http === undefined || http === false || !http.interceptor)
      return undefined;
    return new HttpRejectionRecorder(
      http.pipeline === 'handler' ? 'handler' : 'interceptor',
      series,
    );
  }

  /** Learns the untracked routes' full templates (at bootstrap: prefix and versions are set). */
  learnRoutes(modules: ModulesContainer): void {
    try {
      this.learn(modules);
    } catch {
      // an unexpected Nest internals shape: untracked routes' rejections may be recorded
    }
  }

  private learn(modules: ModulesContainer): void {
    for (const { module, cls, fn } of controllerRoutes(modules)) {
      if (!isUntracked(cls, fn)) continue;
      const method = Number(Reflect.getMetadata(METHOD_METADATA, fn) ?? 0);
      for (const template of registeredRouteTemplates(
        modules,
        module,
        cls,
        fn,
        method,
      )) {
        this.untracked.add(`${RequestMethod[method]} ${template}`);
      }
    }
  }

  /**
   * Records the response just written for `req` when it is a rejection (see the class
   * documentation). `store` is the request's correlation store. Never throws.
   */
  record(
    req: AdapterRequest,
    res: AdapterResponse,
    store: CorrelationStore | undefined,
  ): void {
    try {
      const series = this.series();
      if (series === undefined) return;
      const r = req as SeenRequest;
      if (r[CALL] !== undefined || r.is404 === true) return;
      if (
        this.pipeline === 'handler' &&
        (store === undefined || enteredHandlerCall(store) !== undefined)
      )
        return;
      const route = routeTemplate(req);
      if (route === undefined) return;
      const method = requestMethod(req).toUpperCase();
      if (this.isUntracked(method, route)) return;
      series.record(
        method,
        route,
        rawResponse(res).statusCode,
        rejectionSeconds(res, store),
      );
    } catch {
      // observability never throws into business code
    }
  }

  private isUntracked(method: string, route: string): boolean {
    const u = this.untracked;
    return (
      u.size > 0 &&
      (u.has(`${method} ${route}`) ||
        u.has(`ALL ${route}`) ||
        (method === 'HEAD' && u.has(`GET ${route}`)))
    );
  }
}

/**
 * How long a rejected request took: Fastify's own timing (from its arrival), else the time since
 * the correlation context was entered for it; `undefined` when neither is known.
 */
function rejectionSeconds(
  res: AdapterResponse,
  store: CorrelationStore | undefined,
): number | undefined {
  const elapsed = (res as TimedResponse).elapsedTime;
  if (typeof elapsed === 'number' && elapsed > 0) return elapsed / 1000;
  const start = httpExchangeOf(store)?.start;
  return start === undefined
    ? undefined
    : Math.max(0, performance.now() - start) / 1000;
}
