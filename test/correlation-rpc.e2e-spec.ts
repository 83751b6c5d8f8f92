// Correlation on microservice messages: the id from the message's correlationId field through
// CorrelationInterceptor, in a hybrid HTTP app and in a microservice-only app.
import { Controller, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, type ClientProxy } from '@nestjs/microservices';
import { ExpressAdapter } from '@nestjs/platform-express';
import { firstValueFrom } from 'rxjs';
import {
  CorrelationContext,
  CorrelationRejections,
  RfsModule,
} from 'nestjs-rfs';
import { UUID, correlationAppModule } from './support/correlation-app.fixtures';
import {
  TCP_ON_FREE_PORT,
  connectTcpClient,
  startTcpMicroservice,
} from './support/tcp-microservice';

describe('rpc context through a TCP microservice', () => {
  let app: INestApplication;
  let client: ClientProxy;

  beforeAll(async () => {
    app = await NestFactory.create(
      correlationAppModule(),
      new ExpressAdapter(),
      {
        logger: false,
      },
    );
    client = await startTcpMicroservice(app);
  });
  afterAll(async () => {
    await client.close();
    await app.close();
  });

  it('takes the id from the message correlationId field', async () => {
    const r = await firstValueFrom(
      client.send('corr.get', { correlationId: 'rpc-1', order: 7 }),
    );
    expect(r).toEqual({
      id: 'rpc-1',
      job: 'rpc-1',
      fields: { handler: 'rpc' },
    });
  });

  it('generates an id without one, and replaces an invalid one', async () => {
    const before = CorrelationRejections.count();
    const none = await firstValueFrom(client.send('corr.get', { order: 1 }));
    expect(none.id).toMatch(UUID);
    const bad = await firstValueFrom(
      client.send('corr.get', { correlationId: 'x\r\ny' }),
    );
    expect(bad.id).toMatch(UUID);
    expect(CorrelationRejections.count()).toBe(before + 1);
  });

  it('isolates concurrent messages', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `m-${i}`);
    const out = await Promise.all(
      ids.map((id) =>
        firstValueFrom(client.send('corr.get', { correlationId: id })),
      ),
    );
    expect(out.map((o) => o.id)).toEqual(ids);
  });
});

describe('microservice-only app (NestFactory.createMicroservice)', () => {
  @Controller()
  class PlainRpcController {
    @MessagePattern('plain.get')
    get(): { id?: string } {
      return { id: CorrelationContext.getId() };
    }
  }

  @Module({
    imports: [RfsModule.forRoot({ logging: false })],
    controllers: [PlainRpcController],
  })
  class MicroserviceModule {}

  it('registers CorrelationInterceptor globally, so handlers need no decorator', async () => {
    const ms = await NestFactory.createMicroservice(MicroserviceModule, {
      ...TCP_ON_FREE_PORT,
      logger: false,
    });
    await ms.listen();
    const client = await connectTcpClient(ms);
    try {
      await expect(
        firstValueFrom(client.send('plain.get', { correlationId: 'ms-1' })),
      ).resolves.toEqual({ id: 'ms-1' });
      const generated = await firstValueFrom(client.send('plain.get', {}));
      expect(generated.id).toMatch(UUID);
    } finally {
      await client.close();
      await ms.close();
    }
  });

  it('is not global in an HTTP app (no interceptor pass on HTTP routes)', async () => {
    const app = await NestFactory.create(
      MicroserviceModule,
      new ExpressAdapter(),
      {
        logger: false,
      },
    );
    const client = await startTcpMicroservice(app);
    try {
      await expect(
        firstValueFrom(client.send('plain.get', { correlationId: 'ms-2' })),
      ).resolves.toEqual({});
    } finally {
      await client.close();
      await app.close();
    }
  });
});
