// Correlation id resolution: which incoming header or traceparent wins, and how invalid or
// hostile values are replaced, counted and kept out of the response.
import { CorrelationRejections } from 'nestjs-rfs';
import {
  UUID,
  call,
  headerOf,
  rawCall,
  useCorrelationApp,
} from './support/correlation-app.fixtures';
import { HTTP_ADAPTERS } from './support/http-adapters';

describe.each(HTTP_ADAPTERS)('correlation ids (%s)', (_name, adapter) => {
  const s = useCorrelationApp(adapter);

  it('takes the first present header of correlation.headers', async () => {
    const both = await call(s.port, '/items/id', {
      'x-request-id': 'second',
      'x-correlation-id': 'first',
    });
    expect(both.headers['x-correlation-id']).toBe('first');
    const only = await call(s.port, '/items/id', { 'x-request-id': 'req-9' });
    expect(only.headers['x-correlation-id']).toBe('req-9');
    expect(JSON.parse(only.body).id).toBe('req-9');
  });

  it('uses the traceparent trace-id, and continues the trace on outbound headers', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const tp = `00-${traceId}-00f067aa0ba902b7-01`;
    const r = await call(s.port, '/items/id', { traceparent: tp });
    expect(r.headers['x-correlation-id']).toBe(traceId);

    const out = await call(s.port, '/items/outbound', {
      traceparent: tp,
      'x-correlation-id': 'mine',
    });
    const headers = JSON.parse(out.body) as Record<string, string>;
    expect(headers['x-correlation-id']).toBe('mine');
    const [v, t, span, flags] = headers.traceparent.split('-');
    expect([v, t, flags]).toEqual(['00', traceId, '01']);
    expect(span).toMatch(/^[0-9a-f]{16}$/);
    expect(span).not.toBe('00f067aa0ba902b7');
  });

  it('ignores an invalid traceparent and counts it', async () => {
    const before = CorrelationRejections.count();
    const r = await call(s.port, '/items/id', {
      traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
    });
    expect(r.headers['x-correlation-id']).toMatch(UUID);
    expect(CorrelationRejections.count()).toBe(before + 1);
  });

  const hostile: [string, string][] = [
    ['10 KB', 'a'.repeat(10 * 1024)],
    ['129 characters', 'b'.repeat(129)],
    [
      'unicode (UTF-8 bytes)',
      Buffer.from('ïd-✓-用户', 'utf8').toString('latin1'),
    ],
    ['a tab', 'abc\tdef'],
    ['spaces and markup', '<script>alert(1)</script>'],
    ['percent-encoded CRLF', 'abc%0d%0aSet-Cookie:%20x=1'],
  ];

  it.each(hostile)(
    'replaces a hostile id (%s) by a new UUID and counts it',
    async (_label, value) => {
      const before = CorrelationRejections.count();
      const raw = await rawCall(s.port, [`X-Correlation-Id: ${value}`]);
      expect(raw.startsWith('HTTP/1.1 200')).toBe(true);
      const echoed = headerOf(raw, 'x-correlation-id');
      expect(echoed).toHaveLength(1);
      expect(echoed[0]).toMatch(UUID);
      expect(raw).not.toContain(value);
      expect(CorrelationRejections.count()).toBe(before + 1);
    },
  );

  it('treats an empty header as absent', async () => {
    const before = CorrelationRejections.count();
    const raw = await rawCall(s.port, [
      'X-Correlation-Id: ',
      'X-Request-Id: next-one',
    ]);
    expect(headerOf(raw, 'x-correlation-id')).toEqual(['next-one']);
    expect(CorrelationRejections.count()).toBe(before);
  });

  it.each([
    ['a bare CR', 'abc\rX-Injected: 1'],
    ['a NUL', 'abc\x00def'],
    ['a DEL', 'abc\x7fdef'],
  ])('never lets %s reach the response', async (_label, value) => {
    const raw = await rawCall(s.port, [`X-Correlation-Id: ${value}`]);
    expect(raw).not.toContain(value);
    expect(raw).not.toMatch(/^x-injected:/im);
    for (const v of headerOf(raw, 'x-correlation-id'))
      expect(v).toMatch(/^[A-Za-z0-9._:-]+$/);
  });

  it('gives each of 2,000 concurrent requests its own id back', async () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `load-${i}`);
    const replies = await Promise.all(
      ids.map((id) => call(s.port, '/items/id', { 'x-correlation-id': id })),
    );
    replies.forEach((r, i) => {
      expect(r.headers['x-correlation-id']).toBe(ids[i]);
      expect(JSON.parse(r.body)).toEqual({
        id: ids[i],
        service: ids[i],
        job: ids[i],
      });
    });
  });
});
