import { RequestMethod } from '@nestjs/common';
import {
  HTTP_CODE_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  RESPONSE_PASSTHROUGH_METADATA,
  ROUTE_ARGS_METADATA,
  SSE_METADATA,
} from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { ModulesContainer } from '@nestjs/core';
import type { LogResultOperationMetadata } from '../logging/log-result-operation.decorator';
import {
  RFS_FLUX_RESPONSE_METADATA,
  RFS_LOG_OPERATION_METADATA,
  RFS_OPERATION_METADATA,
  RFS_UNTRACKED_METADATA,
} from '../rfs.constants';
import {
  DEFAULT_FLUX_RESPONSE,
  type FluxResponseOptions,
} from './flux-response.decorator';

/** What ResultInterceptor knows about a route (computed once per handler). */
export interface RfsRouteInfo {
  /**
   * Operation name: `@RfsOperation` name, else the `@LogResultOperation` name, else
   * `Controller.handler`.
   */
  readonly operation: string;
  /**
   * `@LogResultOperation` metadata of the handler: its options apply to the request's line,
   * and the decorated method does not log a second time when it runs as this route's handler.
   */
  readonly log?: LogResultOperationMetadata;
  /** `@FluxResponse` options (defaults when absent). */
  readonly flux: Readonly<FluxResponseOptions>;
  /** Whether the route is an `@Sse()` route. */
  readonly sse: boolean;
  /** False for routes marked with `RFS_UNTRACKED_METADATA` (the dashboard's own routes). */
  readonly tracked: boolean;
  /** `@Res()` or `@Next()` without `passthrough`: the handler writes the response itself. */
  readonly ownResponse?: boolean;
}

/**
 * True for @willsoto/nestjs-prometheus's scrape endpoint (its `PrometheusController` or a
 * user's subclass of it, as its README suggests for a custom path): scrapes are not operations.
 */
function isPrometheusController(cls: object): boolean {
  for (
    let c: unknown = cls;
    typeof c === 'function' && c !== Function.prototype;
    c = Object.getPrototypeOf(c)
  ) {
    if ((c as { name?: unknown }).name === 'PrometheusController') return true;
  }
  return false;
}

/**
 * True when the handler or its controller carries `RFS_UNTRACKED_METADATA`, or the controller is
 * the Prometheus scrape endpoint.
 */
export function isUntracked(cls: object, handler: unknown): boolean {
  if (isPrometheusController(cls)) return true;
  const onHandler: unknown =
    typeof handler === 'function'
      ? Reflect.getMetadata(RFS_UNTRACKED_METADATA, handler)
      : undefined;
  return (
    (onHandler ?? Reflect.getMetadata(RFS_UNTRACKED_METADATA, cls)) === true
  );
}

/**
 * `@RfsOperation` name > `@LogResultOperation` name > `Controller.handler`.
 * @internal shared with the handler pipeline
 */
export function routeOperationName(
  cls: { readonly name: string },
  handler: unknown,
  methodName: string,
): string {
  if (typeof handler === 'function') {
    const named: unknown = Reflect.getMetadata(RFS_OPERATION_METADATA, handler);
    if (typeof named === 'string') return named;
    const log = logMetadataOf(handler);
    if (log !== undefined) return log.operation;
  }
  return `${cls.name}.${methodName}`;
}

/** @internal `@LogResultOperation` metadata of a handler. */
export function logMetadataOf(
  handler: unknown,
): LogResultOperationMetadata | undefined {
  if (typeof handler !== 'function') return undefined;
  const meta = Reflect.getMetadata(RFS_LOG_OPERATION_METADATA, handler) as
    LogResultOperationMetadata | undefined;
  return typeof meta?.operation === 'string' ? meta : undefined;
}

/** @internal Names of the route handler methods of a controller class (own and inherited). */
export function routeMethodNames(cls: new () => object): string[] {
  const names: string[] = [];
  for (
    let proto: object | null = cls.prototype as object;
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor' || names.includes(name)) continue;
      const desc = Object.getOwnPropertyDescriptor(proto, name);
      if (
        typeof desc?.value === 'function' &&
        Reflect.getMetadata(PATH_METADATA, desc.value) !== undefined
      ) {
        names.push(name);
      }
    }
  }
  return names;
}

/** A route handler method of a controller class registered in a Nest module. */
export interface ControllerRoute {
  /** The module that registers the controller (Nest's `Module`). */
  readonly module: unknown;
  readonly cls: new () => object;
  readonly name: string;
  /** The method (as declared on the prototype chain). */
  readonly fn: object;
}

/**
 * @internal Every route handler method of every controller in `modules` (own and inherited
 * methods; controllers without a class skipped).
 */
export function* controllerRoutes(
  modules: ModulesContainer,
): Generator<ControllerRoute> {
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const cls = wrapper.metatype as (new () => object) | null;
      if (typeof cls !== 'function') continue;
      for (const name of routeMethodNames(cls)) {
        const fn = (cls.prototype as Record<string, unknown>)[name] as object;
        yield { module, cls, name, fn };
      }
    }
  }
}

/** What the pipeline knows about a route (computed once, when it wraps the handler). */
export interface PipelineRoute {
  readonly operation: string;
  readonly log?: LogResultOperationMetadata;
  readonly flux: Readonly<FluxResponseOptions>;
  readonly sse: boolean;
  /** `@HttpCode`, else 201 for POST, else 200. */
  readonly status: number;
  /** Controller path + method path (used when the adapter's request has no route template). */
  readonly template: string;
  /**
   * Every path Nest registered for the route (global prefix, URI version and module path
   * included), learnt at application bootstrap; preferred over {@link template}.
   */
  templates?: readonly string[];
  /** HTTP method of the route (used when there is no request in the context). */
  readonly method: string;
  /** `@Res()` or `@Next()` without `passthrough`: the handler writes the response itself. */
  readonly ownResponse: boolean;
}

/**
 * Whether Nest leaves the response to the handler (`@Res()`/`@Next()`, no passthrough).
 * @internal shared with ResultInterceptor
 */
export function writesOwnResponse(cls: object, name: string): boolean {
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, cls, name) as
    Record<string, unknown> | undefined;
  if (args === undefined) return false;
  const own = Object.keys(args).some((key) => {
    const type = Number(key.split(':')[0]);
    return (
      type === Number(RouteParamtypes.RESPONSE) ||
      type === Number(RouteParamtypes.NEXT)
    );
  });
  return (
    own &&
    Reflect.getMetadata(RESPONSE_PASSTHROUGH_METADATA, cls, name) !== true
  );
}

/** The pipeline's facts about a route, read from its handler's metadata. */
export function routeOf(
  cls: new () => object,
  handler: (...args: unknown[]) => unknown,
  name: string,
): PipelineRoute {
  const flux: unknown = Reflect.getMetadata(
    RFS_FLUX_RESPONSE_METADATA,
    handler,
  );
  const code: unknown = Reflect.getMetadata(HTTP_CODE_METADATA, handler);
  const method: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
  return {
    operation: routeOperationName(cls, handler, name),
    log: logMetadataOf(handler),
    flux: (flux as FluxResponseOptions | undefined) ?? DEFAULT_FLUX_RESPONSE,
    sse: Reflect.getMetadata(SSE_METADATA, handler) === true,
    status:
      typeof code === 'number'
        ? code
        : method === RequestMethod.POST
          ? 201
          : 200,
    method:
      typeof method === 'number' && method !== RequestMethod.ALL
        ? RequestMethod[method]
        : 'GET',
    template: joinPaths(
      Reflect.getMetadata(PATH_METADATA, cls),
      Reflect.getMetadata(PATH_METADATA, handler),
    ),
    ownResponse: writesOwnResponse(cls, name),
  };
}

function firstPath(path: unknown): string {
  const p: unknown = Array.isArray(path) ? path[0] : path;
  return typeof p === 'string' ? p : '';
}

function joinPaths(controller: unknown, method: unknown): string {
  const parts = [firstPath(controller), firstPath(method)]
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '');
  return '/' + parts.join('/');
}
