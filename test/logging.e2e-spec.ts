// Result logging over HTTP on Express and Fastify, both module import orders: correlation ids
// on every line, levels, MonoResult log steps, guards; startup without nestjs-pino.
// 2,000 concurrent requests: logging-concurrency.e2e-spec.ts; TCP events:
// logging-microservice.e2e-spec.ts.
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { ResultLogger, RfsModule, ok } from 'nestjs-rfs';
import type { LogLine } from './support/memory-log.stream';
import {
  LoggingWiring,
  getLogged,
  requestNumberOf,
  describeEachLoggingApp,
} from './support/logging-app.fixtures';

describeEachLoggingApp((running) => {
  const { stream } = running;

  /** Lines written for the request whose path ends with `/n`. */
  function linesOf(n: number): LogLine[] {
    return stream.lines.filter((l) => requestNumberOf(l) === n);
  }

  it('gives every line of a request the incoming correlation id, as pino-http request id too', async () => {
    const r = await getLogged(running.port, '/orders/7', {
      'x-correlation-id': 'abc-123',
    });
    expect(r.status).toBe(200);
    expect(r.id).toBe('abc-123');
    const lines = linesOf(7);
    const find = lines.find((l) => l.operation === 'orders.find');
    const handler = lines.find((l) => l.operation === 'orders.get');
    const user = lines.find((l) => l.msg === 'user line');
    const completed = lines.find((l) => l.msg === 'request completed');
    expect(find).toMatchObject({
      service: 'e2e',
      environment: 'test',
      outcome: 'ok',
      valueType: 'object',
      args: [7],
      tenant: 'acme',
    });
    expect(handler).toMatchObject({ outcome: 'ok', tenant: 'acme' });
    // by default the handler's Result fields ride on pino-http's line: one line, not two
    expect(handler).toBe(completed);
    expect(handler).toMatchObject({ msg: 'request completed', service: 'e2e' });
    // one line per operation: the logging providers are registered once
    expect(lines.filter((l) => l.operation === 'orders.find')).toHaveLength(1);
    expect(user).toMatchObject({ tenant: 'acme' });
    expect(completed).toBeDefined();
    expect((completed?.req as { id?: unknown }).id).toBe('abc-123');
    for (const l of lines) expect(l.correlationId).toBe('abc-123');
  });

  it('uses the generated id everywhere when the client sends none', async () => {
    const r = await getLogged(running.port, '/orders/8');
    expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
    const lines = linesOf(8);
    // user line, orders.find, "request completed" with the orders.get Result fields
    expect(lines.map((l) => l.operation ?? l.msg).sort()).toEqual([
      'orders.find',
      'orders.get',
      'user line',
    ]);
    for (const l of lines) expect(l.correlationId).toBe(r.id);
    const completed = lines.find((l) => l.msg === 'request completed');
    expect(completed?.operation).toBe('orders.get');
    expect((completed?.req as { id?: unknown }).id).toBe(r.id);
  });

  it('logs an Err at warn with the error code', async () => {
    const r = await getLogged(running.port, '/orders/20');
    expect(r.status).toBe(200);
    const find = linesOf(20).find((l) => l.operation === 'orders.find');
    expect(find).toMatchObject({
      level: 40,
      outcome: 'err',
      correlationId: r.id,
      error: { type: 'RfsError', code: 'NOT_FOUND' },
    });
  });

  it('writes MonoResult log records through the installed sink, with the request id', async () => {
    const r = await getLogged(running.port, '/orders/steps/101');
    expect(r.status).toBe(200);
    const steps = stream.lines.filter(
      (l) => typeof l.operation === 'string' && l.operation.startsWith('steps'),
    );
    expect(steps.map((l) => [l.operation, l.step, l.outcome, l.level])).toEqual(
      [
        ['steps.load', 'steps.load', 'ok', 30],
        ['steps.check', 'steps.check', 'err', 40],
        ['steps', undefined, 'err', 40],
      ],
    );
    for (const l of steps) {
      expect(l).toMatchObject({ correlationId: r.id, service: 'e2e' });
    }
    expect(steps[2]).toMatchObject({ error: { code: 'CONFLICT' } });
  });

  it('keeps the guard of a decorated controller method', async () => {
    const r = await getLogged(running.port, '/orders/9', { 'x-deny': '1' });
    expect(r.status).toBe(403);
    expect(stream.lines.some((l) => l.operation === 'orders.get')).toBe(false);
    const completed = stream.lines.find((l) => l.msg === 'request completed');
    expect(completed?.correlationId).toBe(r.id);
  });
});

describe('startup without nestjs-pino', () => {
  it('fails with the lines to add, unless logging is off', async () => {
    @Module({ imports: [RfsModule.forRoot({}), LoggingWiring] })
    class NoLogger {}
    const app = NestFactory.create(NoLogger, new ExpressAdapter(), {
      logger: false,
      abortOnError: false,
    });
    await expect(app).rejects.toThrow(
      /LoggerModule\.forRoot\(\{ pinoHttp: rfsPinoHttp\(\) \}\)[\s\S]*logging: false/,
    );

    @Module({ imports: [RfsModule.forRoot({ logging: false }), LoggingWiring] })
    class Off {}
    const off = await NestFactory.create(Off, new ExpressAdapter(), {
      logger: false,
    });
    const logger = off.get(ResultLogger);
    expect(logger.enabled).toBe(false);
    expect(() => logger.logResult('x', ok(1))).not.toThrow();
    await off.close();
  });
});
