// One SSE event per item: what Nest's SSE stream can write.
import { err, ok } from '../result/result';
import { RfsError } from '../result/rfs.error';
import { ProblemDetailsFactory } from './problem-details';
import { resultToMessageEvent } from './sse';

describe('resultToMessageEvent', () => {
  const problems = new ProblemDetailsFactory();

  it('keeps strings and objects, and writes numbers, booleans and bigints as strings', () => {
    expect(resultToMessageEvent(ok('a'), problems)).toEqual({ data: 'a' });
    expect(resultToMessageEvent(ok({ n: 1 }), problems)).toEqual({
      data: { n: 1 },
    });
    expect(resultToMessageEvent(ok(1), problems)).toEqual({ data: '1' });
    expect(resultToMessageEvent(ok(false), problems)).toEqual({
      data: 'false',
    });
    expect(resultToMessageEvent(ok(10n), problems)).toEqual({ data: '10' });
    expect(resultToMessageEvent(ok(null), problems)).toEqual({ data: '' });
  });

  it('turns an Err into an error event with the problem body', () => {
    const event = resultToMessageEvent(
      err(RfsError.notFound('order', '7')),
      problems,
    );
    expect(event.type).toBe('error');
    expect(event.data).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('passes a value that is not a Result through (already a MessageEvent)', () => {
    const event = { data: 'x', id: '1' };
    expect(resultToMessageEvent(event, problems)).toBe(event);
  });
});
