import { Controller, Get, Param } from '@nestjs/common';
import { RfsError, RfsOperation, err, ok } from 'nestjs-rfs';

/**
 * `GET /orders/:id` as operation `orders.get`: Ok `{ id }`, an Err not-found for ids starting
 * with `missing`, a defect (thrown) for `boom`. Lets specs drive known outcomes over HTTP.
 */
@Controller('orders')
export class OrdersController {
  @Get(':id')
  @RfsOperation('orders.get')
  get(@Param('id') id: string) {
    if (id === 'boom') throw new Error('driver crashed');
    return id.startsWith('missing')
      ? err(RfsError.notFound('order', id))
      : ok({ id });
  }
}
