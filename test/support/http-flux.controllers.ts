// Controllers of the Result → HTTP specs (test/http-*.e2e-spec.ts): FluxResult and pages.
import { Controller, Get, type MessageEvent, Sse } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';
import {
  FluxResponse,
  FluxResult,
  type Page,
  PageQuery,
  type PageRequest,
  RfsError,
  err,
  ok,
  toPage,
  toSse,
} from 'nestjs-rfs';

const items = Array.from({ length: 45 }, (_, i) => ({ id: i + 1 }));

@Controller('f')
export class FluxController {
  @Get('all-ok')
  allOk(): FluxResult<number, RfsError> {
    return FluxResult.ok(1, 2, 3);
  }

  @Get('empty')
  empty(): FluxResult<number, RfsError> {
    return FluxResult.empty();
  }

  @Get('partial')
  partial(): FluxResult<number, RfsError> {
    return FluxResult.fromResults<number, RfsError>([
      ok(1),
      err(RfsError.notFound('n', 2)),
      ok(3),
      err(RfsError.conflict('n', 'dup')),
    ]);
  }

  @Get('all-err')
  allErr(): FluxResult<number, RfsError> {
    return FluxResult.fromResults<number, RfsError>([
      err(RfsError.notFound('n', 1)),
      err(RfsError.conflict('n', 'dup')),
    ]);
  }

  @Get('strict')
  @FluxResponse({ partialSuccess: false })
  strict(): FluxResult<number, RfsError> {
    return FluxResult.fromResults<number, RfsError>([
      ok(1),
      err(RfsError.rateLimited(5, '1m')),
    ]);
  }

  @Get('capped')
  @FluxResponse({ maxErrors: 1 })
  capped(): FluxResult<number, RfsError> {
    return FluxResult.fromResults<number, RfsError>([
      err(RfsError.notFound('n', 1)),
      err(RfsError.notFound('n', 2)),
      ok(3),
    ]);
  }

  @Get('no-errors')
  @FluxResponse({ includeErrors: false })
  noErrors(): FluxResult<number, RfsError> {
    return FluxResult.fromResults<number, RfsError>([
      ok(1),
      err(RfsError.notFound('n', 2)),
    ]);
  }

  @Get('ndjson')
  @FluxResponse({ mode: 'ndjson' })
  ndjson(): FluxResult<number, RfsError> {
    return FluxResult.fromResults<number, RfsError>([
      ok(1),
      err(RfsError.notFound('n', 2)),
      ok(3),
    ]);
  }

  @Get('ndjson-defect')
  @FluxResponse({ mode: 'ndjson' })
  ndjsonDefect(): FluxResult<number, RfsError> {
    return FluxResult.fromResults<number, RfsError>(
      throwError(() => new Error('stream broke: secret')),
    );
  }

  @Get('defect')
  defect(): FluxResult<number, RfsError> {
    return FluxResult.fromResults<number, RfsError>(
      throwError(() => new Error('batch broke')),
    );
  }

  @Sse('sse-explicit')
  sseExplicit(): Observable<MessageEvent> {
    return toSse(
      FluxResult.fromResults<string, RfsError>([
        ok('a'),
        err(RfsError.rateLimited(1, '1s')),
      ]),
    );
  }

  @Sse('sse')
  sse(): FluxResult<{ n: number }, RfsError> {
    return FluxResult.fromResults<{ n: number }, RfsError>([
      ok({ n: 1 }),
      err(RfsError.notFound('n', 2)),
      ok({ n: 3 }),
    ]);
  }
}

@Controller('p')
export class PageController {
  @Get()
  list(
    @PageQuery({ defaultSize: 10, maxSize: 20 }) req: PageRequest,
  ): Page<{ id: number }> {
    return toPage(
      items.slice(req.offset, req.offset + req.size),
      items.length,
      req,
    );
  }
}
