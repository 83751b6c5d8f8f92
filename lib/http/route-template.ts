// The full route templates Nest registers for a handler (global prefix, URI version, module
// path included), for the handler pipeline on adapters whose Node request has no route
// template (Fastify: the template lives on FastifyRequest, which the pipeline never sees).
import type { VersionValue } from '@nestjs/common/interfaces';
import {
  MODULE_PATH,
  PATH_METADATA,
  VERSION_METADATA,
} from '@nestjs/common/constants';
import { addLeadingSlash } from '@nestjs/common/utils/shared.utils';
import type { ApplicationConfig, ModulesContainer } from '@nestjs/core';
import { RoutePathFactory } from '@nestjs/core/router/route-path-factory';
import {
  type AdapterRequest,
  requestPath,
  routeTemplate,
} from './http-response';
import type { PipelineRoute } from './route-metadata';

/** A module as the ModulesContainer holds it (only what is read here). */
interface ModuleLike {
  readonly metatype: unknown;
  /** Nest's container (a TypeScript-private field of Module; read defensively). */
  readonly container?: { readonly applicationConfig?: ApplicationConfig };
}

function pathsOf(target: object): string[] {
  const path: unknown = Reflect.getMetadata(PATH_METADATA, target);
  const list = Array.isArray(path) ? (path as unknown[]) : [path];
  return list.map((p) => (typeof p === 'string' ? p : ''));
}

/**
 * Every path Nest registers for `handler` of controller `cls` declared in `module`, computed
 * with Nest's own RoutePathFactory and the application's global prefix and versioning; `[]`
 * when the application's configuration cannot be read.
 */
export function registeredRouteTemplates(
  modules: ModulesContainer,
  module: unknown,
  cls: object,
  handler: object,
  requestMethod: number,
): string[] {
  try {
    const m = module as ModuleLike;
    const config = m.container?.applicationConfig;
    if (config === undefined) return [];
    const factory = new RoutePathFactory(config);
    const versioning = config.getVersioning();
    const metatype = m.metatype as object;
    const modulePath = (Reflect.getMetadata(
      MODULE_PATH + modules.applicationId,
      metatype,
    ) ?? Reflect.getMetadata(MODULE_PATH, metatype)) as string | undefined;
    const controllerVersion = versioning
      ? ((Reflect.getMetadata(VERSION_METADATA, cls) as
          VersionValue | undefined) ?? versioning.defaultVersion)
      : undefined;
    const methodVersion = Reflect.getMetadata(VERSION_METADATA, handler) as
      VersionValue | undefined;
    const out: string[] = [];
    for (const ctrlPath of pathsOf(cls)) {
      for (const methodPath of pathsOf(handler)) {
        for (const path of factory.create(
          {
            ctrlPath: addLeadingSlash(ctrlPath),
            methodPath: addLeadingSlash(methodPath),
            modulePath,
            globalPrefix: config.getGlobalPrefix(),
            versioningOptions: versioning,
            controllerVersion,
            methodVersion,
          },
          requestMethod,
        )) {
          if (!out.includes(path)) out.push(path);
        }
      }
    }
    return out;
  } catch {
    // an unexpected Nest internals shape: the pipeline falls back to controller + method path
    return [];
  }
}

const matchers = new Map<string, RegExp>();

function matcherOf(template: string): RegExp {
  let re = matchers.get(template);
  if (re === undefined) {
    const source = template
      .split('/')
      .map((segment) =>
        segment.startsWith(':')
          ? '[^/]+'
          : segment.includes('*')
            ? '.*'
            : segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/');
    re = new RegExp(`^${source}/?$`);
    matchers.set(template, re);
  }
  return re;
}

/**
 * The template among `templates` that `path` (the request path) matches: the only one, or the
 * first that matches, else the first.
 */
export function pickRouteTemplate(
  templates: readonly string[],
  path: string | undefined,
): string | undefined {
  if (templates.length <= 1 || path === undefined) return templates[0];
  for (const t of templates) if (matcherOf(t).test(path)) return t;
  return templates[0];
}

/**
 * The route label of a handler-pipeline request: the adapter's own template (Express), else
 * the registered template the request path matches (Fastify's Node request has none), else
 * the controller + method path.
 */
export function pipelineRouteLabel(
  route: PipelineRoute,
  req: object | undefined,
): string {
  if (req !== undefined) {
    const r = req as AdapterRequest;
    const label =
      routeTemplate(r) ??
      pickRouteTemplate(route.templates ?? [], requestPath(r));
    if (label !== undefined) return label;
  }
  return route.templates?.[0] ?? route.template;
}
