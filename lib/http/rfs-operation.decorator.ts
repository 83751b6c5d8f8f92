import { SetMetadata } from '@nestjs/common';
import { OperationHub } from '../operations/operation-hub';
import { RFS_OPERATION_METADATA } from '../rfs.constants';

/**
 * Names the operation of a route (default `Controller.handler`). The name labels the route's
 * OperationEvent, so its log lines and metrics; it is declared at decoration time so metrics can
 * export zero counters before the first request.
 *
 * @example
 * ```ts
 * @Get(':id')
 * @RfsOperation('orders.get')
 * get(@Param('id') id: string) { return this.orders.find(id); }
 * ```
 */
export function RfsOperation(name: string): MethodDecorator {
  if (typeof name !== 'string' || name.trim().length === 0) {
    throw new TypeError(
      `@RfsOperation(name): name must be a non-empty string, got ${typeof name === 'string' ? '""' : typeof name}`,
    );
  }
  const setMetadata = SetMetadata(RFS_OPERATION_METADATA, name);
  return (target, key, descriptor) => {
    setMetadata(target, key, descriptor);
    OperationHub.declare(name);
  };
}
