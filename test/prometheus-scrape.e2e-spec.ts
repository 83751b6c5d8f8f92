// A Prometheus scrape (@willsoto/nestjs-prometheus's controller, or a user's subclass of it for a
// custom path) is not a business operation: no Result log line, no operation series, no
// declared operation — on Express and Fastify. (The module serves the subclass on /metrics.)
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import {
  PrometheusController,
  PrometheusModule,
} from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import { register } from 'prom-client';
import {
  OperationHub,
  RfsModule,
  ok,
  rfsPinoHttp,
  type Result,
} from 'nestjs-rfs';
import { MemoryLogStream } from './support/memory-log.stream';
import { HTTP_ADAPTERS } from './support/http-adapters';
import { startLocalApp } from './support/local-app';

@Controller()
class CustomScrapeController extends PrometheusController {}

@Controller('ping')
class PingController {
  @Get()
  ping(): Result<string, never> {
    return ok('pong');
  }
}

describe.each(HTTP_ADAPTERS)(
  'Prometheus scrapes on %s',
  (_name, makeAdapter) => {
    let app: INestApplication;
    let stream: MemoryLogStream;
    let base: string;

    beforeEach(async () => {
      register.clear();
      stream = new MemoryLogStream();
      @Module({
        imports: [
          LoggerModule.forRoot({
            pinoHttp: [rfsPinoHttp({ level: 'info' }), stream],
          }),
          PrometheusModule.register({
            defaultMetrics: { enabled: false },
            controller: CustomScrapeController,
          }),
          RfsModule.forRoot({ serviceName: 'scrape', environment: 'test' }),
        ],
        controllers: [PingController],
      })
      class AppModule {}
      ({ app, base } = await startLocalApp(AppModule, makeAdapter()));
    });

    afterEach(async () => {
      await app.close();
      register.clear();
    });

    it('logs and counts the business route but not the scrape', async () => {
      expect((await fetch(`${base}/ping`)).status).toBe(200);
      const scrape = await fetch(`${base}/metrics`);
      expect(scrape.status).toBe(200);
      const text = await scrape.text();

      const resultLines = stream.lines.filter((l) => 'outcome' in l);
      expect(resultLines.map((l) => l.operation)).toEqual([
        'PingController.ping',
      ]);
      expect(text).toContain('operation="PingController.ping"');
      expect(text).not.toContain('CustomScrapeController');
      expect([...OperationHub.declaredOperations()]).not.toContain(
        'CustomScrapeController.index',
      );
    });
  },
);
