// Metrics next to Result logging (nestjs-pino): one timing per operation, dashboard polls
// never logged, on Express and Fastify.
import {
  Controller,
  Get,
  Injectable,
  type INestApplication,
  Module,
  Param,
} from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import { register } from 'prom-client';
import {
  RfsError,
  RfsModule,
  LogResultOperation,
  rfsPinoHttp,
  err,
  ok,
} from 'nestjs-rfs';
import { MemoryLogStream } from './support/memory-log.stream';
import { HTTP_PLATFORMS, httpAdapter } from './support/http-adapters';
import { startLocalApp } from './support/local-app';

@Injectable()
class PaymentsService {
  @LogResultOperation('payments.capture')
  async capture(amount: number) {
    await new Promise((r) => setImmediate(r));
    return amount > 0
      ? ok(amount)
      : err(RfsError.validation({ amount: 'must be > 0' }));
  }
}

@Controller('payments')
class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Get(':amount')
  capture(@Param('amount') amount: string) {
    return this.payments.capture(Number(amount));
  }
}

describe.each(HTTP_PLATFORMS)(
  'metrics next to Result logging on %s',
  (adapter) => {
    let app: INestApplication;
    let base: string;
    const stream = new MemoryLogStream();

    beforeAll(async () => {
      register.clear();
      @Module({
        imports: [
          LoggerModule.forRoot({
            pinoHttp: [rfsPinoHttp({ level: 'info' }), stream],
          }),
          RfsModule.forRoot({ environment: 'development' }),
          PrometheusModule.register({ defaultMetrics: { enabled: false } }),
        ],
        controllers: [PaymentsController],
        providers: [PaymentsService],
      })
      class AppModule {}
      ({ app, base } = await startLocalApp(AppModule, httpAdapter(adapter)));
    });
    afterAll(() => app.close());

    it('records the duration its log line reports: one timing per operation', async () => {
      await fetch(`${base}/payments/-5`);
      const line = stream.lines.find((l) => l.operation === 'payments.capture');
      expect(line).toMatchObject({ outcome: 'err' });
      const text = await (await fetch(`${base}/metrics`)).text();
      const sum =
        /rfs_operation_duration_seconds_sum\{operation="payments\.capture",outcome="err"\} (\S+)/.exec(
          text,
        );
      expect(Number(sum?.[1])).toBeCloseTo(Number(line!.durationMs) / 1000, 6);
      expect(text).toContain(
        'rfs_operations_total{operation="payments.capture",outcome="err",error_code="VALIDATION_ERROR"} 1',
      );
    });

    it('keeps dashboard polls out of the operations and out of the Result log', async () => {
      const before = stream.lines.length;
      await fetch(`${base}/rfs/dashboard`);
      await fetch(`${base}/rfs/dashboard/ui`);
      const operations = stream.lines
        .slice(before)
        .filter((l) => l.operation !== undefined);
      expect(operations).toEqual([]);
    });
  },
);
