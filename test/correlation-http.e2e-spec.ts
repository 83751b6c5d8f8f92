// Correlation over HTTP: the id reaches the handler, services, guards and @WithCorrelation, and
// comes back on every response (errors and unmatched routes too), under a global prefix, on
// versioned routes and not on excluded ones.
import { VersioningType } from '@nestjs/common';
import { Jobs } from './support/correlation-app.controllers';
import {
  UUID,
  call,
  useCorrelationApp,
} from './support/correlation-app.fixtures';
import { HTTP_ADAPTERS } from './support/http-adapters';

describe.each(HTTP_ADAPTERS)('correlation over HTTP (%s)', (_name, adapter) => {
  const s = useCorrelationApp(adapter);

  it('echoes a valid incoming id and exposes it to the handler, the service and @WithCorrelation', async () => {
    const r = await call(s.port, '/items/id', {
      'x-correlation-id': 'abc-123',
    });
    expect(r.headers['x-correlation-id']).toBe('abc-123');
    expect(JSON.parse(r.body)).toEqual({
      id: 'abc-123',
      service: 'abc-123',
      job: 'abc-123',
    });
  });

  it('keeps the context through a request body (POST)', async () => {
    const r = await call(
      s.port,
      '/items/echo',
      { 'x-correlation-id': 'post-1', 'content-type': 'application/json' },
      'POST',
      JSON.stringify({ a: 1 }),
    );
    expect(JSON.parse(r.body)).toEqual({ id: 'post-1', body: { a: 1 } });
  });

  it('keeps the context through a large body that arrives in many chunks', async () => {
    const big = JSON.stringify({ blob: 'z'.repeat(90_000) });
    const r = await call(
      s.port,
      '/items/echo',
      { 'x-correlation-id': 'post-big', 'content-type': 'application/json' },
      'POST',
      big,
    );
    expect(r.status).toBe(201);
    expect(JSON.parse(r.body).id).toBe('post-big');
  });

  it('generates a UUID when no id is sent', async () => {
    const r = await call(s.port, '/items/id');
    expect(r.headers['x-correlation-id']).toMatch(UUID);
    expect(JSON.parse(r.body).id).toBe(r.headers['x-correlation-id']);
  });

  it('sets the header on error responses and unmatched routes', async () => {
    for (const path of ['/items/bad', '/items/crash', '/nowhere']) {
      const r = await call(s.port, path, { 'x-correlation-id': 'err-1' });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.headers['x-correlation-id']).toBe('err-1');
    }
  });

  it('leaves the store on the request for correlationStoreOf', async () => {
    const r = await call(s.port, '/items/store', { 'x-correlation-id': 's-1' });
    expect(JSON.parse(r.body)).toEqual({ id: 's-1' });
  });

  it('gives @WithCorrelation on a plain provider a new id per call outside requests', () => {
    const jobs = s.app.get(Jobs);
    const a = jobs.run();
    const b = jobs.run();
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
  });

  it('sees request fields set in a guard', async () => {
    const r = await call(s.port, '/items/tenant');
    expect(JSON.parse(r.body)).toEqual({ tenant: 'acme' });
  });
});

describe.each(HTTP_ADAPTERS)(
  'global prefix and URI versioning (%s)',
  (_name, adapter) => {
    const s = useCorrelationApp(
      adapter,
      {
        correlation: { exclude: ['items/outbound'], responseHeader: 'x-trace' },
      },
      (app) => {
        app.setGlobalPrefix('api');
        app.enableVersioning({ type: VersioningType.URI });
      },
    );

    it('runs under the prefix and on versioned routes', async () => {
      const plain = await call(s.port, '/api/items/id', {
        'x-correlation-id': 'p-1',
      });
      expect(plain.headers['x-trace']).toBe('p-1');
      expect(JSON.parse(plain.body).id).toBe('p-1');
      const versioned = await call(s.port, '/api/v1/things', {
        'x-correlation-id': 'v-1',
      });
      expect(versioned.status).toBe(200);
      expect(versioned.headers['x-trace']).toBe('v-1');
      expect(JSON.parse(versioned.body)).toEqual({ id: 'v-1' });
    });

    it('skips excluded routes', async () => {
      const r = await call(s.port, '/api/items/outbound', {
        'x-correlation-id': 'ex-1',
      });
      expect(r.status).toBe(200);
      expect(r.headers['x-trace']).toBeUndefined();
      expect(JSON.parse(r.body)).toEqual({});
    });
  },
);
