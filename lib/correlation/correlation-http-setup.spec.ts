import { RequestMethod, type MiddlewareConsumer } from '@nestjs/common';
import type { RouteInfo } from '@nestjs/common/interfaces';
import type { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CorrelationContext } from './correlation-context';
import { CorrelationIdResolver } from './correlation-id.resolver';
import {
  CorrelationMiddleware,
  correlationStoreOf,
} from './correlation.middleware';
import { CorrelationSetup, coversEveryRequest } from './correlation-http-setup';

/** A consumer whose path extractor mounts routes as `mount` says. */
function consumer(mount?: (route: RouteInfo) => string[]): {
  consumer: MiddlewareConsumer;
  applied: { exclude: unknown[]; forRoutes: unknown[] }[];
} {
  const applied: { exclude: unknown[]; forRoutes: unknown[] }[] = [];
  const c = {
    routeInfoPathExtractor:
      mount === undefined ? undefined : { extractPathsFrom: mount },
    apply: () => {
      const entry = { exclude: [] as unknown[], forRoutes: [] as unknown[] };
      applied.push(entry);
      const proxy = {
        exclude: (...r: unknown[]) => {
          entry.exclude = r;
          return proxy;
        },
        forRoutes: (...r: unknown[]) => {
          entry.forRoutes = r;
          return c;
        },
      };
      return proxy;
    },
  };
  return { consumer: c as unknown as MiddlewareConsumer, applied };
}

const rootOnly = (route: RouteInfo) =>
  route.path === '*' ? ['/*'] : [`/${route.path}`];

function adapter(type: string, hook?: unknown) {
  const a = {
    onRequestHook: hook,
    getType: () => type,
    setOnRequestHook(h: unknown) {
      a.onRequestHook = h;
    },
  };
  return a;
}

function setupWith(a: unknown): CorrelationSetup {
  const middleware = new CorrelationMiddleware(
    new CorrelationIdResolver(),
    'x-correlation-id',
  );
  return new CorrelationSetup(middleware, {
    httpAdapter: a,
  } as unknown as HttpAdapterHost);
}

describe('coversEveryRequest', () => {
  it('is true for a wildcard Nest mounts on "/*" alone, with no exclusion', () => {
    const { consumer: c } = consumer(rootOnly);
    expect(coversEveryRequest(c, { forRoutes: ['*'], exclude: [] })).toBe(true);
    expect(
      coversEveryRequest(c, {
        forRoutes: ['orders', { path: '*', method: RequestMethod.ALL }],
        exclude: [],
      }),
    ).toBe(true);
  });

  it('is false with an exclusion, a method, a version, or other mounts', () => {
    const { consumer: c } = consumer(rootOnly);
    expect(coversEveryRequest(c, { forRoutes: ['*'], exclude: ['x'] })).toBe(
      false,
    );
    expect(
      coversEveryRequest(c, {
        forRoutes: [{ path: '*', method: RequestMethod.GET }],
        exclude: [],
      }),
    ).toBe(false);
    expect(
      coversEveryRequest(c, {
        forRoutes: [{ path: '*', method: RequestMethod.ALL, version: '1' }],
        exclude: [],
      }),
    ).toBe(false);
    const prefixed = consumer(() => ['/api$', '/api/*']).consumer;
    expect(
      coversEveryRequest(prefixed, { forRoutes: ['{*rest}'], exclude: [] }),
    ).toBe(false);
  });

  it('is true for the bare wildcard under a global prefix or without an extractor', () => {
    // Nest would mount it on /api/* only; the request hook gives requests outside the prefix
    // (unmatched paths, static files) their id too
    const prefixed = consumer(() => ['/api$', '/api/*']).consumer;
    for (const c of [prefixed, consumer().consumer]) {
      expect(coversEveryRequest(c, { forRoutes: ['*'], exclude: [] })).toBe(
        true,
      );
      expect(
        coversEveryRequest(c, {
          forRoutes: [{ path: '/*', method: RequestMethod.ALL }],
          exclude: [],
        }),
      ).toBe(true);
    }
  });

  it('is false for other spellings when Nest cannot tell (no extractor, or it throws)', () => {
    expect(
      coversEveryRequest(consumer().consumer, {
        forRoutes: ['{*rest}'],
        exclude: [],
      }),
    ).toBe(false);
    const throwing = consumer(() => {
      throw new TypeError('legacy route');
    }).consumer;
    expect(
      coversEveryRequest(throwing, { forRoutes: ['{*rest}'], exclude: [] }),
    ).toBe(false);
  });
});

describe('CorrelationSetup.apply', () => {
  const all = { forRoutes: ['*'], exclude: [] };

  it('sets the request hook of Fastify and Express adapters, applying no middleware', () => {
    for (const type of ['fastify', 'express']) {
      const a = adapter(type);
      const { consumer: c, applied } = consumer(rootOnly);
      expect(setupWith(a).apply(c, all)).toBe('hook');
      expect(typeof a.onRequestHook).toBe('function');
      expect(applied).toEqual([]);
    }
  });

  it('applies the middleware with forRoutes/exclude otherwise', () => {
    const cases: [
      unknown,
      typeof all | { forRoutes: string[]; exclude: string[] },
    ][] = [
      [adapter('fastify'), { forRoutes: ['*'], exclude: ['health'] }],
      [adapter('fastify', () => undefined), all], // the application's own hook stays
      [adapter('h3'), all],
      [undefined, all],
    ];
    for (const [a, options] of cases) {
      const { consumer: c, applied } = consumer(rootOnly);
      expect(setupWith(a).apply(c, options)).toBe('middleware');
      expect(applied).toEqual([
        { exclude: options.exclude, forRoutes: options.forRoutes },
      ]);
    }
  });

  it('runs the Fastify hook on the raw request: header on the reply, store and context', () => {
    const a = adapter('fastify');
    setupWith(a).apply(consumer(rootOnly).consumer, all);
    const raw = { headers: { 'x-correlation-id': 'hook-1' } };
    const headers: Record<string, string> = {};
    const rawHeaders: Record<string, string> = {};
    const res = {
      headersSent: false,
      setHeader: (k: string, v: string) => (rawHeaders[k] = v),
    };
    let seen: string | undefined;
    (
      a.onRequestHook as (
        req: { raw: IncomingMessage },
        reply: {
          raw: ServerResponse;
          header: (k: string, v: string) => unknown;
        },
        done: () => void,
      ) => void
    )(
      { raw: raw as unknown as IncomingMessage },
      {
        raw: res as unknown as ServerResponse,
        header: (k: string, v: string) => (headers[k] = v),
      },
      () => (seen = CorrelationContext.getId()),
    );
    expect(seen).toBe('hook-1');
    // Fastify writes the reply's headers with the status line; the raw response is left alone
    expect(headers).toEqual({ 'x-correlation-id': 'hook-1' });
    expect(rawHeaders).toEqual({});
    expect(correlationStoreOf({ raw })?.id).toBe('hook-1');
  });
});
