import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { CorrelationContext } from '../correlation/correlation-context';
import { currentAbortSignal } from '../result/mono-result';
import {
  RequestAbort,
  requestAbortSignal,
  runUnderRequestAbort,
  sharedRequestAbortController,
} from './request-abort';

/** A real Node request/response pair on an unconnected socket. */
function exchange(): { req: IncomingMessage; res: ServerResponse } {
  const req = new IncomingMessage(new Socket());
  return { req, res: new ServerResponse(req) };
}

describe('RequestAbort (the lazy client-disconnect signal of a request)', () => {
  it('holds no controller and adds no close listener until the signal is read', () => {
    const { req, res } = exchange();
    const abort = new RequestAbort(req, res);
    expect(abort.aborted).toBe(false);
    expect(abort.isAbortReason(new Error('x'))).toBe(false);
    abort.stop();
    expect(res.listenerCount('close')).toBe(0);
    expect(sharedRequestAbortController(req)).toBeUndefined();

    const signal = abort.signal();
    expect(abort.signal()).toBe(signal);
    expect(res.listenerCount('close')).toBe(1);
    // shared with @RequestAbortSignal()
    expect(requestAbortSignal(req, res)).toBe(signal);
    abort.stop();
    expect(res.listenerCount('close')).toBe(0);
  });

  it('after a disconnect with no controller yet, reports aborted and creates the signal already aborted', () => {
    const { req, res } = exchange();
    const abort = new RequestAbort(req, res);
    res.destroy();
    expect(abort.aborted).toBe(true);
    const signal = abort.signal();
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).name).toBe('AbortError');
    expect(abort.isAbortReason(signal.reason)).toBe(true);
  });

  it('aborts a created signal when the connection closes before the response finished', () => {
    const { req, res } = exchange();
    const abort = new RequestAbort(req, res);
    const signal = abort.signal();
    expect(signal.aborted).toBe(false);
    res.destroy();
    res.emit('close');
    expect(signal.aborted).toBe(true);
    expect(abort.aborted).toBe(true);
  });

  it('adopts the controller @RequestAbortSignal() created first', () => {
    const { req, res } = exchange();
    const first = requestAbortSignal(req, res);
    const abort = new RequestAbort(req, res);
    expect(abort.signal()).toBe(first);
  });
});

describe('runUnderRequestAbort', () => {
  it('does not put a request signal on an outer correlation store other requests share', async () => {
    const a = exchange();
    const b = exchange();
    const abortA = new RequestAbort(a.req, a.res);
    const abortB = new RequestAbort(b.req, b.res);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await CorrelationContext.run('outer', async () => {
      const store = CorrelationContext.current();
      const inA = runUnderRequestAbort(abortA, store, async () => {
        await gate; // request B starts meanwhile
        return currentAbortSignal();
      });
      const inB = runUnderRequestAbort(abortB, store, async () => {
        release();
        await Promise.resolve();
        return currentAbortSignal();
      });
      const [signalA, signalB] = await Promise.all([inA, inB]);
      // (compared by identity: Jest cannot print an AbortSignal diff)
      expect(signalA === abortA.signal()).toBe(true);
      expect(signalB === abortB.signal()).toBe(true);
      // the shared store keeps neither request
      expect(
        Object.getOwnPropertySymbols(store ?? {}).map((s) => s.description),
      ).not.toContain('rfs:http-request-abort');
    });
  });
});
