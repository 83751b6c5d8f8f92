import {
  Injectable,
  Optional,
  RequestMethod,
  type MiddlewareConsumer,
} from '@nestjs/common';
import type { RouteInfo } from '@nestjs/common/interfaces';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CorrelationMiddleware,
  type ResponseHeaderSink,
} from './correlation.middleware';
import {
  type CorrelationOptions,
  isEveryRequestRoute,
} from './correlation.options';

/** The part of Nest's middleware builder that says where a route's middleware is mounted. */
interface PathExtractor {
  extractPathsFrom(route: RouteInfo): string[];
}

/** The request hook slot of Nest's Express and Fastify adapters (runs before any middleware). */
interface HookableAdapter {
  getType?(): string;
  setOnRequestHook?(hook: (...args: never[]) => unknown): void;
  onRequestHook?: unknown;
}

type NextFn = (error?: unknown) => void;

/**
 * Whether a middleware applied with `options.forRoutes` / `options.exclude` is meant for every
 * request: no exclusion, and a route that is the bare wildcard (`'*'` or `'/*'`, every method,
 * no version) or that Nest mounts on `/*` alone. The bare wildcard counts whatever the global
 * prefix or URI versioning: Nest would mount it under the prefix (`/api/*`), so a request
 * outside it (an unmatched path, a static file) would get no id; the request hook gives every
 * response one. Other spellings are asked of Nest's own route path extractor; `false` whenever
 * that cannot be told (then Nest's middleware is used).
 *
 * @internal
 */
export function coversEveryRequest(
  consumer: MiddlewareConsumer,
  options: Pick<CorrelationOptions, 'forRoutes' | 'exclude'>,
): boolean {
  if (options.exclude.length > 0) return false;
  const extractor = (consumer as { routeInfoPathExtractor?: PathExtractor })
    .routeInfoPathExtractor;
  return options.forRoutes.some((r) => {
    if (isEveryRequestRoute(r)) return true;
    const route: RouteInfo =
      typeof r === 'string' ? { path: r, method: RequestMethod.ALL } : r;
    if (route.method !== RequestMethod.ALL || route.version !== undefined)
      return false;
    if (typeof extractor?.extractPathsFrom !== 'function') return false;
    try {
      const paths = extractor.extractPathsFrom(route);
      return paths.length === 1 && paths[0] === '/*';
    } catch {
      return false;
    }
  });
}

/**
 * Applies the correlation context to HTTP requests. When the options cover every request (the
 * default `forRoutes: ['*']`, no `exclude`; with or without a global prefix), it runs
 * {@link CorrelationMiddleware} from the adapter's request hook (Fastify `onRequest`, the first
 * Express middleware), which skips Nest's per-request middleware
 * plumbing (on Fastify: @fastify/middie, path re-matching and an async proxy per request);
 * otherwise it applies the middleware through Nest's `MiddlewareConsumer` with `forRoutes` /
 * `exclude`. Both paths run the same code per request: same ids, header, rejections and store.
 *
 * @internal
 */
@Injectable()
export class CorrelationSetup {
  constructor(
    private readonly middleware: CorrelationMiddleware,
    @Optional() private readonly host?: HttpAdapterHost,
  ) {}

  /** Installs the hook or applies the middleware; returns which one was used. */
  apply(
    consumer: MiddlewareConsumer,
    options: Pick<CorrelationOptions, 'forRoutes' | 'exclude'>,
  ): 'hook' | 'middleware' {
    if (coversEveryRequest(consumer, options) && this.installHook())
      return 'hook';
    consumer
      .apply(CorrelationMiddleware)
      .exclude(...options.exclude)
      .forRoutes(...options.forRoutes);
    return 'middleware';
  }

  /** Sets the adapter's request hook when it is free (another hook keeps it: no hook then). */
  private installHook(): boolean {
    const adapter = this.host?.httpAdapter as HookableAdapter | undefined;
    if (
      adapter === undefined ||
      typeof adapter.setOnRequestHook !== 'function' ||
      typeof adapter.getType !== 'function' ||
      adapter.onRequestHook !== undefined
    )
      return false;
    const middleware = this.middleware;
    const type = adapter.getType();
    if (type === 'fastify') {
      adapter.setOnRequestHook(
        (
          request: { raw: IncomingMessage },
          reply: ResponseHeaderSink & { raw: ServerResponse },
          done: NextFn,
        ) => middleware.openFromHook(request.raw, reply.raw, done, reply),
      );
      return true;
    }
    if (type === 'express') {
      adapter.setOnRequestHook(
        (req: IncomingMessage, res: ServerResponse, next: NextFn) =>
          middleware.openFromHook(req, res, next),
      );
      return true;
    }
    return false;
  }
}
