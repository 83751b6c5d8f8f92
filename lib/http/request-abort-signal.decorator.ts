import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { requestAbortSignal } from './result.interceptor';

function readSignal(_data: unknown, ctx: ExecutionContext): AbortSignal {
  const http = ctx.switchToHttp();
  return requestAbortSignal(http.getRequest(), http.getResponse());
}

/**
 * Injects an `AbortSignal` that aborts when the client disconnects before the response is
 * written — pass it to `mono.run(signal)`, `fetch` or a database driver so abandoned requests
 * stop their work. (Nest awaits a MonoResult a handler returns before interceptors see it, so
 * run it with this signal yourself to make it cancellable.)
 *
 * @example
 * ```ts
 * @Get(':id')
 * find(@Param('id') id: string, @RequestAbortSignal() signal: AbortSignal) {
 *   return this.orders.find(id).timeout(2000).run(signal); // Promise<Result<Order, RfsError>>
 * }
 * ```
 */
export const RequestAbortSignal = (): ParameterDecorator =>
  createParamDecorator(readSignal)();
