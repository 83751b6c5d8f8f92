import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import {
  RequestAbort,
  requestAbortSignal,
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
