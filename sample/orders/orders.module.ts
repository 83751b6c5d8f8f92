import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

/**
 * The orders feature. It does not import RfsModule (the root does, once), so tests import it
 * next to `RfsTestingModule` instead. Needs `DatabaseModule.forRoot()` somewhere in the app.
 */
@Module({
  imports: [PaymentsModule],
  controllers: [OrdersController],
  providers: [OrdersRepository, OrdersService],
})
export class OrdersModule {}
