import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { HttpException } from '@nestjs/common';
import {
  PreparedHttpResponse,
  stashThrownProblem,
  thrownProblemOf,
} from './exception-handoff';
import { PROBLEM_CONTENT_TYPE, type Problem } from './problem-details';

const problem = (correlationId: string): Problem =>
  ({
    status: 404,
    outcome: 'err',
    body: { status: 404, correlationId },
  }) as unknown as Problem;

describe('thrown-problem handoff to ResultExceptionFilter', () => {
  // one error instance thrown by two requests (a module-level `new NotFoundException()`): each
  // request's filter must render its own problem (correlation id, instance), never the other's
  it('keeps the problem per request when two requests throw the same error object', () => {
    const shared = new Error('not found');
    const reqA = new IncomingMessage(new Socket());
    const reqB = new IncomingMessage(new Socket());
    stashThrownProblem(reqA, shared, problem('A'));
    stashThrownProblem(reqB, shared, problem('B'));
    expect(thrownProblemOf(reqA, shared)?.body).toEqual({
      status: 404,
      correlationId: 'A',
    });
    // on Fastify the filter sees the Fastify request; the handler pipeline stashes on its raw
    expect(thrownProblemOf({ raw: reqB }, shared)?.body).toEqual({
      status: 404,
      correlationId: 'B',
    });
    expect(thrownProblemOf(reqA, new Error('other'))).toBeUndefined();
  });
});

describe('PreparedHttpResponse (an Err or batch the handler pipeline throws)', () => {
  const problemBody = {
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: 'order 42 not found',
    code: 'NOT_FOUND',
  };

  it("is the HttpException users' filters and catchError expect: status, problem body, message", () => {
    const e = new PreparedHttpResponse(404, problemBody, PROBLEM_CONTENT_TYPE);
    expect(e).toBeInstanceOf(HttpException);
    expect(e).toBeInstanceOf(Error);
    expect(e.getStatus()).toBe(404);
    expect(e.getResponse()).toBe(problemBody);
    expect(e.contentType).toBe(PROBLEM_CONTENT_TYPE);
    expect(e.name).toBe('PreparedHttpResponse');
    expect(e.message).toBe('order 42 not found');
    // no detail (production 5xx keeps one, but a custom factory may not): the title
    const { detail: _detail, ...titled } = problemBody;
    expect(new PreparedHttpResponse(404, titled, 'x').message).toBe(
      'Not Found',
    );
  });

  it('a batch envelope: status 207, the envelope as response, a summary message', () => {
    const envelope = {
      success: false,
      summary: { total: 3, successful: 2, failed: 1 },
      results: [1, 2],
    };
    const e = new PreparedHttpResponse(207, envelope, 'application/json');
    expect(e.getStatus()).toBe(207);
    expect(e.getResponse()).toBe(envelope);
    expect(e.message).toBe('1 of 3 batch items failed');
    expect(new PreparedHttpResponse(500, null, 'x').message).toBe('HTTP 500');
  });

  it('captures no stack trace, keeps a one-line stack string and restores Error.stackTraceLimit', () => {
    const before = Error.stackTraceLimit;
    Error.stackTraceLimit = 25;
    try {
      const e = new PreparedHttpResponse(404, problemBody, 'x');
      expect(Error.stackTraceLimit).toBe(25);
      expect(typeof e.stack).toBe('string');
      expect(e.stack).toBe('PreparedHttpResponse: order 42 not found');
      expect(e.stack).not.toMatch(/\n\s+at /);
      // other errors keep their stacks
      expect(new Error('x').stack).toMatch(/\n\s+at /);
    } finally {
      Error.stackTraceLimit = before;
    }
  });

  it('JSON.stringify never throws, even on a batch of BigInts and cycles', () => {
    const cyclic: Record<string, unknown> = { n: 1n };
    cyclic.self = cyclic;
    const e = new PreparedHttpResponse(
      207,
      { summary: { total: 2, failed: 1 }, results: [cyclic] },
      'application/json',
    );
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      name: 'PreparedHttpResponse',
      message: '1 of 2 batch items failed',
      status: 207,
      response: {
        summary: { total: 2, failed: 1 },
        results: [{ n: '1', self: '[Circular]' }],
      },
    });
    expect(
      JSON.parse(
        JSON.stringify(new PreparedHttpResponse(404, problemBody, 'x')),
      ),
    ).toMatchObject({ status: 404, response: problemBody });
  });
});
