import { FluxResponse } from './flux-response.decorator';
import { toPage } from './page';
import { PageQuery } from './page-query.decorator';
import { RfsOperation } from './rfs-operation.decorator';
import { OperationHub } from '../operations/operation-hub';

describe('toPage', () => {
  it('computes pages and hasNext', () => {
    expect(toPage([1, 2], 5, { page: 1, size: 2 })).toEqual({
      items: [1, 2],
      page: 1,
      size: 2,
      total: 5,
      pages: 3,
      hasNext: true,
    });
    expect(toPage([5], 5, { page: 3, size: 2 }).hasNext).toBe(false);
    expect(toPage([], 0, { page: 1, size: 20 })).toMatchObject({
      pages: 0,
      hasNext: false,
    });
  });
});

describe('decorator options are checked at decoration time', () => {
  it('@PageQuery', () => {
    expect(() => PageQuery({ maxSize: 0 })).toThrow(
      /maxSize must be an integer ≥ 1/,
    );
    expect(() => PageQuery({ defaultSize: 50, maxSize: 10 })).toThrow(
      /defaultSize must be an integer between 1 and maxSize \(10\)/,
    );
    expect(() => PageQuery({ defaultSize: 10, maxSize: 10 })).not.toThrow();
  });

  it('@FluxResponse', () => {
    expect(() => FluxResponse({ maxErrors: -1 })).toThrow(
      /maxErrors must be an integer ≥ 0/,
    );
    expect(() => FluxResponse({ mode: 'csv' as 'batch' })).toThrow(
      /mode must be 'batch' or 'ndjson'/,
    );
    expect(() => FluxResponse({ partial: true } as never)).toThrow(
      /partial is not an option/,
    );
  });

  it('@RfsOperation rejects an empty name and declares the name', () => {
    expect(() => RfsOperation(' ')).toThrow(/non-empty string/);
    class C {
      @RfsOperation('page.spec.op')
      m(): void {}
    }
    void C;
    expect(OperationHub.declaredOperations().has('page.spec.op')).toBe(true);
  });
});
