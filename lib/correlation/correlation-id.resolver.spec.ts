import fc from 'fast-check';
import {
  CorrelationIdResolver,
  parseTraceparent,
} from './correlation-id.resolver';
import { CorrelationOptions } from './correlation.options';
import {
  type CorrelationRejection,
  CorrelationRejections,
} from './correlation-rejections';

const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

function resolver(options: Partial<CorrelationOptions> = {}) {
  return new CorrelationIdResolver({ ...new CorrelationOptions(), ...options });
}

describe('parseTraceparent', () => {
  it('parses a valid version-00 header', () => {
    expect(parseTraceparent(`00-${TRACE}-00f067aa0ba902b7-01`)).toEqual({
      traceId: TRACE,
      parentId: '00f067aa0ba902b7',
      flags: '01',
    });
  });

  it('accepts future versions with extra fields', () => {
    expect(
      parseTraceparent(`cc-${TRACE}-00f067aa0ba902b7-01-what-the-future`),
    ).toMatchObject({ traceId: TRACE });
  });

  it.each([
    ['all-zero trace-id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['all-zero parent-id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${TRACE}-00f067aa0ba902b7-01`],
    ['version 00 with extra fields', `00-${TRACE}-00f067aa0ba902b7-01-x`],
    ['upper-case hex', `00-${TRACE.toUpperCase()}-00f067aa0ba902b7-01`],
    ['short trace-id', `00-${TRACE.slice(1)}-00f067aa0ba902b7-01`],
    ['garbage', 'hello'],
    ['huge', `00-${TRACE}-00f067aa0ba902b7-01-${'x'.repeat(1000)}`],
  ])('rejects %s', (_label, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });
});

describe('CorrelationIdResolver', () => {
  let seen: CorrelationRejection[];
  let unsubscribe: () => void;
  beforeEach(() => {
    seen = [];
    unsubscribe = CorrelationRejections.subscribe((r) => seen.push(r));
  });
  afterEach(() => unsubscribe());

  it('takes the first present header in the configured order (names case-insensitive)', () => {
    const r = resolver({ headers: ['X-Request-Id', 'x-correlation-id'] });
    expect(
      r.fromHeaders({ 'x-request-id': 'a', 'x-correlation-id': 'b' }).id,
    ).toBe('a');
    expect(r.fromHeaders({ 'x-correlation-id': 'b' }).id).toBe('b');
  });

  it('falls back to the traceparent trace-id, then to a UUID', () => {
    const r = resolver();
    const store = r.fromHeaders({
      traceparent: `00-${TRACE}-00f067aa0ba902b7-01`,
    });
    expect(store).toMatchObject({
      id: TRACE,
      traceId: TRACE,
      traceFlags: '01',
    });
    expect(r.fromHeaders({}).id).toMatch(UUID);
    expect(
      resolver({ useTraceparent: false }).fromHeaders({
        traceparent: `00-${TRACE}-00f067aa0ba902b7-01`,
      }).id,
    ).toMatch(UUID);
  });

  it('keeps the trace of a traceparent when a header gives the id', () => {
    const store = resolver().fromHeaders({
      'x-correlation-id': 'mine',
      traceparent: `00-${TRACE}-00f067aa0ba902b7-00`,
    });
    expect(store).toMatchObject({
      id: 'mine',
      traceId: TRACE,
      traceFlags: '00',
    });
  });

  it('replaces an invalid id, counts it and reports where it came from without the value', () => {
    const before = CorrelationRejections.count();
    const store = resolver().fromHeaders({ 'x-correlation-id': 'a b' });
    expect(store.id).toMatch(UUID);
    expect(CorrelationRejections.count()).toBe(before + 1);
    expect(seen).toEqual([
      { source: 'header', name: 'x-correlation-id', length: 3 },
    ]);
  });

  it('does not fall through to the next header after an invalid one', () => {
    const id = resolver().fromHeaders({
      'x-correlation-id': 'bad value',
      'x-request-id': 'good',
    }).id;
    expect(id).not.toBe('good');
  });

  it('treats an empty header as absent', () => {
    expect(
      resolver().fromHeaders({ 'x-correlation-id': '', 'x-request-id': 'r' })
        .id,
    ).toBe('r');
    expect(seen).toEqual([]);
  });

  it('honours a custom pattern, also one with a stateful /g flag', () => {
    const r = resolver({ pattern: /^req-[0-9]+$/g });
    for (let i = 0; i < 3; i++) {
      expect(r.fromHeaders({ 'x-correlation-id': 'req-42' }).id).toBe('req-42');
    }
    expect(r.fromHeaders({ 'x-correlation-id': 'abc' }).id).toMatch(UUID);
  });

  it('never accepts control characters or over-long values, even with a permissive pattern', () => {
    const r = resolver({ pattern: /[\s\S]*/ });
    expect(r.isValid('a\r\nb')).toBe(false);
    expect(r.isValid('x'.repeat(257))).toBe(false);
    expect(r.isValid('ü')).toBe(false);
    expect(r.isValid('ok')).toBe(true);
  });

  it('uses generateId, falling back to a UUID when it throws or returns an unsafe value', () => {
    expect(resolver({ generateId: () => 'gen-1' }).fromHeaders({}).id).toBe(
      'gen-1',
    );
    expect(
      resolver({ generateId: () => 'bad\nid' }).fromHeaders({}).id,
    ).toMatch(UUID);
    expect(
      resolver({
        generateId: () => {
          throw new Error('boom');
        },
      }).fromHeaders({}).id,
    ).toMatch(UUID);
  });

  it('always yields a header-safe id, whatever the incoming header and traceparent', () => {
    const r = resolver();
    fc.assert(
      fc.property(
        fc.option(fc.string({ unit: 'binary', maxLength: 300 })),
        fc.option(fc.string({ unit: 'binary', maxLength: 80 })),
        (id, tp) => {
          const headers: Record<string, string> = {};
          if (id !== null) headers['x-correlation-id'] = id;
          if (tp !== null) headers.traceparent = tp;
          const out = r.fromHeaders(headers).id;
          expect(out).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
          if (id !== null && id !== '' && out !== id) expect(out).toMatch(UUID);
        },
      ),
    );
  });
});
