// Controllers of the Result → HTTP specs (test/http-*.e2e-spec.ts): Results, Errs and throws.
import {
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { type Observable, of } from 'rxjs';
import {
  ErrorCode,
  HttpErrorStatus,
  MonoResult,
  type Result,
  RfsError,
  RfsOperation,
  RequestAbortSignal,
  err,
  ok,
} from 'nestjs-rfs';

@HttpErrorStatus(409)
export class SeatTakenError extends Error {}
export class QuotaError extends Error {}
export class TeapotError extends Error {}

class HostileError extends Error {
  override get message(): string {
    throw new Error('message getter');
  }
  override get name(): string {
    throw new Error('name getter');
  }
  override get stack(): string {
    throw new Error('stack getter');
  }
  get code(): string {
    throw new Error('code getter');
  }
}

const hostileProxy = new Proxy(
  {},
  {
    get() {
      throw new Error('get trap');
    },
    getPrototypeOf() {
      throw new Error('getPrototypeOf trap');
    },
    ownKeys() {
      throw new Error('ownKeys trap');
    },
  },
);

/** Hooks of the slow MonoResult route: when its thunk starts, and when its signal aborts. */
export const slowMono: {
  started?: () => void;
  aborted?: (reason: unknown) => void;
} = {};

function slowMonoResult(): MonoResult<string, RfsError> {
  return MonoResult.fromPromise<string, RfsError>(
    (signal) =>
      new Promise<string>((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          slowMono.aborted?.(signal.reason);
          reject(signal.reason as Error);
        });
        slowMono.started?.();
      }),
    () => RfsError.internal(),
  );
}

@Controller('r')
export class ResultController {
  @Get('ok')
  ok(): Result<{ a: number }, RfsError> {
    return ok({ a: 1 });
  }

  @Get('items/:id')
  @RfsOperation('items.get')
  item(@Param('id') id: string): Result<{ id: string }, RfsError> {
    return id === '404' ? err(RfsError.notFound('item', id)) : ok({ id });
  }

  @Get('promise')
  async promise(): Promise<Result<string, RfsError>> {
    await Promise.resolve();
    return ok('later');
  }

  @Get('promise-err')
  async promiseErr(): Promise<Result<string, RfsError>> {
    await Promise.resolve();
    return err(RfsError.conflict('order', 'already paid'));
  }

  @Get('mono')
  mono(): MonoResult<number, RfsError> {
    return MonoResult.ok(21).map((n) => n * 2);
  }

  @Get('mono-err')
  monoErr(): MonoResult<number, RfsError> {
    return MonoResult.err(RfsError.timeout('payment', 50));
  }

  @Get('mono-slow')
  monoSlow(): Observable<MonoResult<string, RfsError>> {
    // Emitted un-run (Nest awaits a directly returned thenable itself), so the interceptor
    // runs it with the request's signal.
    return of(slowMonoResult());
  }

  @Get('mono-signal')
  monoSignal(
    @RequestAbortSignal() signal: AbortSignal,
  ): Promise<Result<string, RfsError>> {
    return slowMonoResult().run(signal);
  }

  @Get('plain')
  plain(): { plain: boolean } {
    return { plain: true };
  }

  @Post('created')
  created(): Result<{ id: number }, RfsError> {
    return ok({ id: 7 });
  }

  @Post('accepted')
  @HttpCode(202)
  accepted(): Result<{ queued: boolean }, RfsError> {
    return ok({ queued: true });
  }

  @Get('code/:code')
  code(@Param('code') code: string): Result<never, RfsError> {
    return err(new RfsError(code, `failure ${code}`));
  }

  @Get('explicit')
  explicit(): Result<never, RfsError> {
    return err(new RfsError(ErrorCode.NOT_FOUND, 'gone', { status: 410 }));
  }

  @Get('decorated')
  decorated(): Result<never, SeatTakenError> {
    return err(new SeatTakenError('seat 12A is taken'));
  }

  @Get('by-class')
  byClass(): Result<never, QuotaError> {
    return err(new QuotaError('quota exceeded'));
  }

  @Get('mapper')
  mapper(): Result<never, TeapotError> {
    return err(new TeapotError('short and stout'));
  }

  @Get('plain-error')
  plainError(): Result<never, Error> {
    return err(new Error('internal thing'));
  }

  @Get('validation')
  validation(): Result<never, RfsError> {
    return err(RfsError.validation({ name: 'is required' }));
  }

  @Get('db')
  db(): Result<never, RfsError> {
    return err(RfsError.database('insert', 'constraint orders_pk violated'));
  }

  @Get('bigint-details')
  bigintDetails(): Result<never, RfsError> {
    const details: Record<string, unknown> = { big: 10n };
    details.self = details;
    return err(new RfsError(ErrorCode.CONFLICT, 'odd details', { details }));
  }
}

@Controller('t')
export class ThrowController {
  @Get('http')
  http(): never {
    throw new NotFoundException('no such page');
  }

  @Get('rfs')
  rfs(): never {
    throw RfsError.conflict('order', 'already paid');
  }

  @Get('defect')
  defect(): never {
    throw new Error('secret internal state');
  }

  @Get('hostile/:kind')
  hostile(@Param('kind') kind: string): never {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const values: Record<string, unknown> = {
      null: null,
      undefined: undefined,
      string: 'just a string',
      bigint: 10n,
      cyclic,
      getters: new HostileError(),
      proxy: hostileProxy,
      symbol: Symbol('s'),
    };
    throw values[kind];
  }
}
