// ResultExceptionFilter and the HTTP RED series of rejections, on Node's own request and
// response and the host Nest's router proxy builds (the e2e suite runs real apps:
// test/http-rejections.e2e-spec.ts).
import { ForbiddenException, NotFoundException } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Registry } from 'prom-client';
import {
  CorrelationContext,
  createCorrelationStore,
} from '../correlation/correlation-context';
import { ResultMetricsCollector } from '../metrics/result-metrics.collector';
import { systemClock } from '../rfs.clock';
import { resolveRfsOptions } from '../rfs.options';
import { stashThrownProblem } from './exception-handoff';
import { ProblemDetailsFactory } from './problem-details';
import { CALL } from './request-abort';
import { ResultExceptionFilter } from './result-exception.filter';

type Req = IncomingMessage & Record<string | symbol, unknown>;

/** An Express-like request (Express puts the matched route on `req.route`). */
function request(route: string | null = '/shop/:id'): Req {
  const req = new IncomingMessage(new Socket()) as Req;
  req.method = 'GET';
  req.url = '/shop/7?x=1';
  req.headers = {};
  if (route !== null) req.route = { path: route };
  return req;
}

function setup(input: object = {}) {
  const options = resolveRfsOptions({
    metrics: { httpMetrics: true },
    ...input,
  });
  const registry = new Registry();
  const metrics = new ResultMetricsCollector(
    options,
    systemClock,
    undefined,
    registry,
  );
  const filter = ResultExceptionFilter.create({
    options,
    problems: new ProblemDetailsFactory(options),
    metrics,
  });
  /** Runs the filter as Nest's router proxy does; returns the written response. */
  const reject = (exception: unknown, req: Req = request()) => {
    const res = new ServerResponse(req);
    filter.catch(exception, new ExecutionContextHost([req, res, () => {}]));
    return res;
  };
  const requests = async () => {
    const m = registry.getSingleMetric('rfs_http_requests_total');
    if (m === undefined) return undefined;
    return (await m.get()).values.map((v) => [v.labels, v.value]);
  };
  return { filter, metrics, registry, reject, requests };
}

const forbidden = { method: 'GET', route: '/shop/:id', status: '403' };

describe('ResultExceptionFilter: HTTP RED series of rejections', () => {
  it('records a rejection before the handler once: method, route template, written status, no duration without a start', async () => {
    const t = setup({ http: { pipeline: 'interceptor' } });
    const res = t.reject(new ForbiddenException());
    expect(res.statusCode).toBe(403);
    t.reject(new ForbiddenException());
    expect(await t.requests()).toEqual([[forbidden, 2]]);
    const duration = await t.registry
      .getSingleMetric('rfs_http_request_duration_seconds')!
      .get();
    expect(duration.values).toEqual([]);
  });

  it('records nothing for a request a Result pipeline took (its operation is recorded)', async () => {
    const t = setup({ http: { pipeline: 'interceptor' } });
    const marked = request();
    marked[CALL] = {};
    t.reject(new ForbiddenException(), marked);
    const stashed = request();
    const error = new ForbiddenException();
    stashThrownProblem(
      stashed,
      error,
      new ProblemDetailsFactory().create(error, {}, true),
    );
    expect(t.reject(error, stashed).statusCode).toBe(403);
    expect(await t.requests()).toEqual([]);
  });

  it('records nothing without a route template (an unmatched 404) or for a Fastify 404', async () => {
    const t = setup({ http: { pipeline: 'interceptor' } });
    t.reject(new NotFoundException(), request(null));
    const fastify404 = request('/*');
    fastify404.is404 = true;
    t.reject(new NotFoundException(), fastify404);
    expect(await t.requests()).toEqual([]);
  });

  it('on the handler pipeline, records only when the correlation store tells the handler was not entered', async () => {
    const t = setup({ http: { pipeline: 'handler' } });
    t.reject(new ForbiddenException()); // no store: a rejection cannot be told from a throw
    expect(await t.requests()).toEqual([]);
    CorrelationContext.runWithStore(createCorrelationStore('c-1'), () =>
      t.reject(new ForbiddenException()),
    );
    expect(await t.requests()).toEqual([[forbidden, 1]]);
  });

  it('records nothing without a Result pipeline or with httpMetrics off', async () => {
    for (const input of [
      { http: { interceptor: false } },
      { metrics: { httpMetrics: false } },
    ]) {
      const t = setup(input);
      expect(t.reject(new ForbiddenException()).statusCode).toBe(403);
      expect(await t.requests()).toEqual(
        input.metrics === undefined ? [] : undefined,
      );
    }
  });

  it('never throws and writes the same response when recording fails', async () => {
    const t = setup({ http: { pipeline: 'interceptor' } });
    let calls = 0;
    const counter = t.registry.getSingleMetric('rfs_http_requests_total') as {
      labels: unknown;
      inc: unknown;
    };
    counter.labels = counter.inc = () => {
      calls++;
      throw new Error('metrics backend broken');
    };
    const res = t.reject(new ForbiddenException());
    expect(calls).toBe(1);
    expect(res.statusCode).toBe(403);
    expect(res.getHeader('content-type')).toBe('application/problem+json');
    const throwingRoute = request();
    Object.defineProperty(throwingRoute, 'route', {
      get() {
        throw new Error('route getter');
      },
    });
    expect(t.reject(new ForbiddenException(), throwingRoute).statusCode).toBe(
      403,
    );
  });
});
