import { CorrelationContext } from './correlation-context';

describe('CorrelationContext', () => {
  it('is empty outside a context', () => {
    expect(CorrelationContext.getId()).toBeUndefined();
    expect(CorrelationContext.fields()).toEqual({});
    expect(CorrelationContext.outboundHeaders()).toEqual({});
    CorrelationContext.set('ignored', 1);
    expect(CorrelationContext.get('ignored')).toBeUndefined();
  });

  it('requireId explains how to get a context', () => {
    expect(() => CorrelationContext.requireId()).toThrow(
      /No correlation context is active.*@WithCorrelation\(\).*CorrelationContext\.run/,
    );
  });

  it('keeps the id and fields across awaits and isolates nested runs', async () => {
    await CorrelationContext.run('outer', async () => {
      CorrelationContext.set('user', 'u1');
      await new Promise((r) => setImmediate(r));
      expect(CorrelationContext.requireId()).toBe('outer');
      CorrelationContext.run('inner', () => {
        expect(CorrelationContext.getId()).toBe('inner');
        expect(CorrelationContext.fields()).toEqual({});
      });
      expect(CorrelationContext.fields()).toEqual({ user: 'u1' });
    });
  });

  it('derives the outbound trace-id from a UUID id and keeps it per context', () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    CorrelationContext.run(id, () => {
      const a = CorrelationContext.outboundHeaders();
      const b = CorrelationContext.outboundHeaders('x-request-id');
      expect(a['x-correlation-id']).toBe(id);
      expect(b['x-request-id']).toBe(id);
      const [va, ta, sa, fa] = a.traceparent.split('-');
      const [, tb, sb] = b.traceparent.split('-');
      expect([va, ta, fa]).toEqual(['00', id.replace(/-/g, ''), '00']);
      expect(tb).toBe(ta);
      expect(sa).toMatch(/^[0-9a-f]{16}$/);
      expect(sb).not.toBe(sa);
    });
  });

  it('uses a random but stable trace-id for non-UUID ids', () => {
    CorrelationContext.run('order-7', () => {
      const t1 = CorrelationContext.outboundHeaders().traceparent.split('-')[1];
      const t2 = CorrelationContext.outboundHeaders().traceparent.split('-')[1];
      expect(t1).toMatch(/^[0-9a-f]{32}$/);
      expect(t2).toBe(t1);
    });
  });
});
