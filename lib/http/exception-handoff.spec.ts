import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { stashThrownProblem, thrownProblemOf } from './exception-handoff';
import type { Problem } from './problem-details';

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
