import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { requestAbortSignal } from './request-abort';

function readSignal(_data: unknown, ctx: ExecutionContext): AbortSignal {
  const http = ctx.switchToHttp();
  return requestAbortSignal(http.getRequest(), http.getResponse());
}

/**
 * Injects an `AbortSignal` that aborts when the client disconnects before the response is
 * written — pass it to `fetch` or a database driver so abandoned requests stop their work.
 * It is the signal ResultInterceptor already gives a MonoResult the handler returns or awaits
 * (see `runWithAbortSignal`), so monos need no explicit `run(signal)`.
 *
 * @example
 * ```ts
 * @Get(':id')
 * async find(@Param('id') id: string, @RequestAbortSignal() signal: AbortSignal) {
 *   const res = await fetch(`${ORDERS_URL}/${id}`, { signal }); // stops when the client leaves
 *   return ok(await res.json());
 * }
 * ```
 */
export const RequestAbortSignal = (): ParameterDecorator =>
  createParamDecorator(readSignal)();
