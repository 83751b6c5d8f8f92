// A @LogResultOperation handler of a TCP @EventPattern still registers and logs each event.
import { Controller, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload, type ClientProxy } from '@nestjs/microservices';
import { ExpressAdapter } from '@nestjs/platform-express';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import { LogResultOperation, ok, type Result } from 'nestjs-rfs';
import { startTcpMicroservice } from './support/tcp-microservice';
import { MemoryLogStream } from './support/memory-log.stream';
import { loggingAppModule } from './support/logging-app.fixtures';

@Controller()
class EventsController {
  static seen: unknown[] = [];
  static received: Promise<void>;
  static onReceived: () => void;

  @LogResultOperation('orders.created')
  @EventPattern('order.created')
  onCreated(@Payload() payload: { id: number }): Result<number, string> {
    EventsController.seen.push(payload);
    // resolves after this call returns, i.e. after the decorator has written its line
    queueMicrotask(EventsController.onReceived);
    return ok(payload.id);
  }
}

describe('decorated @EventPattern handler (TCP microservice)', () => {
  let app: INestApplication;
  let client: ClientProxy;
  const stream = new MemoryLogStream();

  beforeAll(async () => {
    __resetOutOfContextForTests();
    app = await NestFactory.create(
      loggingAppModule(stream, 'logger-first', {}, [EventsController]),
      new ExpressAdapter(),
      { logger: false },
    );
    client = await startTcpMicroservice(app);
  });
  afterAll(async () => {
    await client.close();
    await app.close();
  });

  it('still registers and logs each event', async () => {
    EventsController.received = new Promise(
      (r) => (EventsController.onReceived = r),
    );
    client.emit('order.created', { id: 5 });
    await EventsController.received;
    expect(EventsController.seen).toEqual([{ id: 5 }]);
    expect(
      stream.lines.find((l) => l.operation === 'orders.created'),
    ).toMatchObject({ outcome: 'ok', valueType: 'number' });
  });
});
