// A finished request is not kept alive by its idle keep-alive connection. Node creates the
// connection's keep-alive timer inside the request's async context, so the timer holds the
// request's correlation store for as long as the connection stays open; once the response is
// complete that store keeps only the id and fields, not the request, the response, the reply or
// the handler's result (a large payload on each idle connection would otherwise stay in memory).
// Without correlation (no store) nothing else keeps them either.
import {
  Body,
  Controller,
  type INestApplication,
  Module,
  Post,
  Req,
} from '@nestjs/common';
import { Agent, request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LoggerModule } from 'nestjs-pino';
import {
  CorrelationContext,
  type CorrelationStore,
  MonoResult,
  ok,
  RfsModule,
  rfsPinoHttp,
} from 'nestjs-rfs';
import { HTTP_ADAPTERS } from './support/http-adapters';
import { listenLocally } from './support/local-app';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Seen {
  store: CorrelationStore;
  req: WeakRef<object>;
  payload: WeakRef<object>;
}
let seen: Seen | undefined;

function remember(req: object, payload: object): void {
  seen = {
    store: CorrelationContext.storage.getStore()!,
    req: new WeakRef(req),
    payload: new WeakRef(payload),
  };
}

@Controller('orders')
class OrdersController {
  @Post('result')
  result(@Req() req: object, @Body() body: { sku: string }) {
    const payload = { sku: body.sku, notes: 'x'.repeat(100_000) };
    remember(req, payload);
    return ok(payload);
  }

  @Post('mono')
  mono(@Req() req: object, @Body() body: { sku: string }) {
    const payload = { sku: body.sku, notes: 'x'.repeat(100_000) };
    remember(req, payload);
    return MonoResult.fromPromise(
      () => Promise.resolve(payload),
      (e) => e,
    );
  }
}

/** POSTs through `agent` (keep-alive); resolves with the status and the correlation id. */
function post(
  agent: Agent,
  base: string,
  path: string,
): Promise<{ status: number; id: string }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ sku: 'A-1' });
    const req = request(
      `${base}${path}`,
      {
        agent,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            id: String(res.headers['x-correlation-id']),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

describe.each(HTTP_ADAPTERS)(
  'request objects after the response, keep-alive connection open (%s)',
  (_name, makeAdapter) => {
    describe.each([
      ['handler', true],
      ['interceptor', true],
      ['interceptor', false],
      ['handler', false],
    ] as const)('%s pipeline, correlation %s', (pipeline, correlation) => {
      let app: INestApplication;
      let base: string;
      beforeAll(async () => {
        @Module({
          imports: [
            LoggerModule.forRoot({
              pinoHttp: rfsPinoHttp({ stream: { write: () => {} } }),
            }),
            RfsModule.forRoot({
              http: { pipeline },
              ...(correlation ? {} : { correlation: false as const }),
            }),
          ],
          controllers: [OrdersController],
        })
        class AppModule {}
        const { NestFactory } = await import('@nestjs/core');
        app = await NestFactory.create(AppModule, makeAdapter(), {
          logger: false,
          abortOnError: false,
        });
        base = await listenLocally(app);
      });
      afterAll(() => app.close());

      it.each(['result', 'mono'])(
        'a %s handler: the request and its result can be collected (the store keeps its id)',
        async (kind) => {
          const agent = new Agent({ keepAlive: true, maxSockets: 1 });
          try {
            seen = undefined;
            const res = await post(agent, base, `/orders/${kind}`);
            expect(res.status).toBe(201);
            await collect();
            // the connection is still open and idle
            expect(Object.values(agent.freeSockets).flat()).toHaveLength(1);
            if (correlation) expect(seen!.store.id).toBe(res.id);
            expect(seen!.req.deref()).toBeUndefined();
            expect(seen!.payload.deref()).toBeUndefined();
          } finally {
            agent.destroy();
          }
        },
      );
    });
  },
);
