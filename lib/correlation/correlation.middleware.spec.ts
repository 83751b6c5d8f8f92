// What the correlation store holds after the response (the e2e side, with real connections and
// the garbage collector: test/correlation-release.e2e-spec.ts).
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { CorrelationIdResolver } from './correlation-id.resolver';
import {
  CorrelationMiddleware,
  correlationStoreOf,
  httpExchangeOf,
  releasedWithExchange,
} from './correlation.middleware';

const EXTRA = Symbol('test:request-object');
releasedWithExchange(EXTRA);

function request(): { req: IncomingMessage; res: ServerResponse } {
  const req = new IncomingMessage(new Socket());
  req.headers = { 'x-correlation-id': 'c-42' };
  return { req, res: new ServerResponse(req) };
}

function through(req: IncomingMessage, res: ServerResponse) {
  new CorrelationMiddleware(
    new CorrelationIdResolver(),
    'x-correlation-id',
  ).use(req, res, () => {});
  const store = correlationStoreOf(req)! as ReturnType<
    typeof correlationStoreOf
  > &
    Record<symbol, unknown>;
  store[EXTRA] = { big: 'payload' };
  return store;
}

const finished = (res: ServerResponse) =>
  Object.defineProperty(res, 'writableFinished', { value: true });

describe('CorrelationMiddleware: the store after the response', () => {
  it('drops the request objects once the response is complete; the id and fields stay', () => {
    const { req, res } = request();
    const store = through(req, res);
    store.fields.set('tenant', 't-1');
    expect(httpExchangeOf(store)?.req).toBe(req);
    finished(res).emit('close');
    expect(httpExchangeOf(store)).toBeUndefined();
    expect(store[EXTRA]).toBeUndefined();
    expect(store.id).toBe('c-42');
    expect(store.fields.get('tenant')).toBe('t-1');
  });

  it('keeps them after an incomplete response (the handler may still be running)', () => {
    const { req, res } = request();
    const store = through(req, res);
    res.emit('close'); // the client left before the response was written
    expect(httpExchangeOf(store)?.res).toBe(res);
    expect(store[EXTRA]).toEqual({ big: 'payload' });
  });

  it('never throws from the close event (a store frozen by other code keeps its objects)', () => {
    const { req, res } = request();
    const store = through(req, res);
    Object.freeze(store);
    expect(() => finished(res).emit('close')).not.toThrow();
    expect(store[EXTRA]).toEqual({ big: 'payload' });
  });
});
