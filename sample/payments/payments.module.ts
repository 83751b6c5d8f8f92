import { Module } from '@nestjs/common';
import { PaymentGateway } from './payment-gateway';
import {
  PAYMENT_POLICY,
  PaymentsService,
  paymentPolicyFromEnv,
} from './payments.service';

/** The payment provider client: override `PaymentGateway` / `PAYMENT_POLICY` in tests. */
@Module({
  providers: [
    PaymentGateway,
    { provide: PAYMENT_POLICY, useFactory: () => paymentPolicyFromEnv() },
    PaymentsService,
  ],
  exports: [PaymentsService],
})
export class PaymentsModule {}
