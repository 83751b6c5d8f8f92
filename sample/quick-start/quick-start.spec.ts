// The README's quick start, run as a spec: the code between the markers is the README's block.
import { NestFactory } from '@nestjs/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
// quick-start:begin
import { Controller, Get, Injectable, Module, Param } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import {
  LogResultOperation,
  MonoResult,
  RfsError,
  RfsModule,
  rfsPinoHttp,
} from 'nestjs-rfs';
import { assertMonoResultError, resultTestContext } from 'nestjs-rfs/testing';

@Injectable()
export class PricesService {
  @LogResultOperation() // logged, timed and counted on each run: ok, err or defect
  quote(sku: string): MonoResult<number, RfsError> {
    return MonoResult.fromPromise(
      (signal) =>
        fetch(`https://prices.example/${sku}`, { signal }).then(
          (r) => r.json() as Promise<number>,
        ),
      (cause) => RfsError.externalService('prices', String(cause)), // a rejection → 502
    )
      .timeout(1_000)
      .retry({ times: 2 }); // every attempt hangs → 504 TIMEOUT_ERROR
  }
}

@Controller('prices')
export class PricesController {
  constructor(private readonly prices: PricesService) {}
  @Get(':sku') // Ok → 200 JSON; Err → application/problem+json with the error's status
  quote(@Param('sku') sku: string) {
    return this.prices.quote(sku);
  }
}

@Module({
  imports: [
    LoggerModule.forRoot({ pinoHttp: rfsPinoHttp() }),
    RfsModule.forRoot({ serviceName: 'prices' }),
  ],
  controllers: [PricesController],
  providers: [PricesService],
})
export class AppModule {}

it('gives up with a 502 error after 3 attempts, logged once', async () => {
  const fetchMock = jest
    .spyOn(globalThis, 'fetch')
    .mockRejectedValue(new Error('ECONNRESET'));
  const ctx = await resultTestContext({ providers: [PricesService] });
  await assertMonoResultError(
    ctx.module.get(PricesService).quote('A-1'),
    'EXTERNAL_SERVICE_ERROR',
  );
  expect(fetchMock).toHaveBeenCalledTimes(3);
  expect(
    ctx.capture.entries({ operation: 'PricesService.quote', outcome: 'err' }),
  ).toHaveLength(1);
  await ctx.close();
});
// quick-start:end

afterEach(() => jest.restoreAllMocks());

it('the AppModule starts and answers problem+json 502 with the correlation id', async () => {
  jest.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('ECONNREFUSED'));
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  try {
    const res = await request(app.getHttpServer())
      .get('/prices/A-1')
      .set('x-correlation-id', 'qs-1');
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({
      code: 'EXTERNAL_SERVICE_ERROR',
      correlationId: 'qs-1',
    });
  } finally {
    await app.close();
  }
});

it('is the block the README shows', () => {
  const source = readFileSync(__filename, 'utf8');
  const block = source.slice(
    source.indexOf('// quick-start:begin\n') + '// quick-start:begin\n'.length,
    source.indexOf('// quick-start:end'),
  );
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- quick-start -->');
  expect(start).toBeGreaterThan(-1);
  const shown = readme.slice(
    readme.indexOf('```ts\n', start) + '```ts\n'.length,
    readme.indexOf('```\n', readme.indexOf('```ts\n', start) + 5),
  );
  // The README is compact, this file is Prettier-formatted: compare the tokens.
  const tokens = (code: string) =>
    code.replace(/\s+/g, '').replace(/,([}\])])/g, '$1');
  expect(tokens(shown)).toBe(tokens(block));
});
