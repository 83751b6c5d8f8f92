// Correlation isolation under concurrency, through the sample's orders feature: 10,000
// requests, 200 at a time, each with its own random id, mixing synchronous SQLite reads,
// 404s and payments (a MonoResult with timers, timeouts and retries that cross async
// boundaries). Every response header, problem body, log line and alert sample id must name
// the request it belongs to — zero mismatches.
import type { INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { LoggerModule } from 'nestjs-pino';
import { randomBytes } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { register } from 'prom-client';
import { AlertCondition, RfsModule, rfsPinoHttp } from 'nestjs-rfs';
import { RecordingAlertNotifier } from 'nestjs-rfs/testing';
import { DatabaseModule } from '../../sample/database/database.module';
import { OrdersModule } from '../../sample/orders/orders.module';
import { PaymentGateway } from '../../sample/payments/payment-gateway';
import { PAYMENT_POLICY } from '../../sample/payments/payments.service';

const REQUESTS = 10_000;
const CONCURRENCY = 200;
const ORDERS = Number(process.env.ISO_ORDERS ?? 300);

/** Raw log lines, parsed after the run (parsing during it would slow the app down). */
class LineSink {
  readonly raw: string[] = [];
  write(chunk: string): void {
    this.raw.push(chunk);
  }
}

interface Sent {
  id: string;
  method: 'GET' | 'POST';
  path: string;
  status?: number;
  header?: string;
  body?: string;
}

function send(
  port: number,
  agent: Agent,
  s: Sent,
  body?: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: s.method,
        path: s.path,
        headers: {
          'x-correlation-id': s.id,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          s.status = res.statusCode;
          s.header = res.headers['x-correlation-id'] as string | undefined;
          s.body = Buffer.concat(chunks).toString();
          resolve();
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Operation → whether a request could have produced it (by method and path). */
function producedBy(operation: string, s: Sent): boolean {
  const pay = s.method === 'POST' && s.path.endsWith('/pay');
  if (/pay|charge/i.test(operation)) return pay;
  if (/get/i.test(operation)) return pay || s.method === 'GET';
  return true;
}

describe.each(['express', 'fastify'] as const)(
  'correlation isolation on %s (sample orders feature, 10,000 requests at concurrency 200)',
  (adapter) => {
    let app: INestApplication | undefined;

    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    it('has zero mismatches between request, response header, problem bodies, log lines and alert sample ids', async () => {
      register.clear();
      const sink = new LineSink();
      const notifier = new RecordingAlertNotifier();
      const gateway = new PaymentGateway();
      gateway.behaviour = {
        failureRate: 0.3,
        hangRate: 0.1,
        latencyMs: [0, 4],
        random: Math.random,
      };
      const moduleRef = await Test.createTestingModule({
        imports: [
          LoggerModule.forRoot({
            pinoHttp: [rfsPinoHttp({ level: 'info' }), sink],
          }),
          RfsModule.forRoot({
            serviceName: 'isolation',
            dashboard: false,
            alerts: {
              defaultRules: false,
              evaluationInterval: '250ms',
              notifiers: [notifier],
              rules: [
                {
                  name: 'iso_errors',
                  operation: '*',
                  metric: 'errorRate',
                  condition: AlertCondition.GREATER_THAN,
                  threshold: 0.05,
                  window: '1m',
                  minSamples: 5,
                  cooldown: '1s',
                  severity: 'warning',
                },
              ],
            },
          }),
          DatabaseModule.forRoot({ path: ':memory:', seed: false }),
          OrdersModule,
        ],
      })
        .overrideProvider(PaymentGateway)
        .useValue(gateway)
        .overrideProvider(PAYMENT_POLICY)
        .useValue({ attemptTimeoutMs: 15, retries: 1, retryDelayMs: 1 })
        .compile();
      app = moduleRef.createNestApplication(
        adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
        { logger: false },
      );
      await app.listen(0, '127.0.0.1');
      const port = (app.getHttpServer().address() as AddressInfo).port;
      const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

      // Orders to read and pay (not part of the checked run).
      for (let k = 1; k <= ORDERS; k++) {
        const s: Sent = {
          id: `seed-${k}`,
          method: 'POST',
          path: '/orders',
        };
        await send(
          port,
          agent,
          s,
          JSON.stringify({
            reference: `ISO-${k}`,
            customer: 'Ada',
            amountCents: 100 * k,
          }),
        );
        expect(s.status).toBe(201);
      }
      sink.raw.length = 0;

      const sent: Sent[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const id = `iso-${randomBytes(9).toString('base64url')}`;
        const roll = i % 10;
        const n = 1 + Math.floor(Math.random() * ORDERS * 1.3); // ~25% unknown orders
        sent.push(
          roll < 6
            ? { id, method: 'GET', path: `/orders/${n}` }
            : roll < 8
              ? { id, method: 'POST', path: `/orders/${n}/pay` }
              : roll < 9
                ? { id, method: 'GET', path: `/orders/x${n}` } // 400
                : { id, method: 'GET', path: `/orders?page=1&size=5` },
        );
      }
      let next = 0;
      const worker = async () => {
        while (next < sent.length) await send(port, agent, sent[next++]);
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      // Let the alert evaluator run once more over the whole run, then stop.
      await new Promise((r) => setTimeout(r, 600));
      await app.close();
      app = undefined;
      agent.destroy();

      const byId = new Map(sent.map((s) => [s.id, s]));
      expect(byId.size).toBe(REQUESTS);
      const mismatches: string[] = [];
      const statuses = new Map<number, number>();
      for (const s of sent) {
        statuses.set(s.status!, (statuses.get(s.status!) ?? 0) + 1);
        if (s.header !== s.id)
          mismatches.push(`response header ${s.header} for ${s.id}`);
        if (s.status! >= 400) {
          const problem = JSON.parse(s.body!) as { correlationId?: string };
          if (problem.correlationId !== s.id)
            mismatches.push(
              `problem correlationId ${problem.correlationId} for ${s.id}`,
            );
        }
      }

      // Every line written during the run belongs to exactly the request it names.
      const lines = sink.raw.map((l) => JSON.parse(l) as Record<string, any>);
      const completed = new Map<string, number>();
      const httpLines = new Map<string, number>();
      for (const line of lines) {
        const id = line.correlationId as string | undefined;
        const s = id === undefined ? undefined : byId.get(id);
        if (!s) {
          mismatches.push(
            `line without a known id: ${JSON.stringify(line).slice(0, 200)}`,
          );
          continue;
        }
        if (
          line.msg === 'request completed' ||
          line.msg === 'request errored'
        ) {
          completed.set(id!, (completed.get(id!) ?? 0) + 1);
          if (
            line.req?.id !== id ||
            line.req?.url !== s.path ||
            line.res?.statusCode !== s.status
          )
            mismatches.push(
              `request line ${line.req?.id} ${line.req?.url} ${line.res?.statusCode} for ${id} ${s.path} ${s.status}`,
            );
        }
        // rfsPinoHttp's default `resultLine: 'merge'`: a handler's Result fields ride on the
        // pino-http line above, other Result lines are their own
        if (line.operation !== undefined) {
          if (!producedBy(line.operation as string, s))
            mismatches.push(
              `${line.operation} line for ${id} (${s.method} ${s.path})`,
            );
          if (line.http !== undefined) {
            httpLines.set(id!, (httpLines.get(id!) ?? 0) + 1);
            if (line.http.status !== s.status || line.http.method !== s.method)
              mismatches.push(
                `http result line ${line.http.method} ${line.http.status} for ${id} ${s.method} ${s.status}`,
              );
          }
        }
      }
      for (const s of sent) {
        if (completed.get(s.id) !== 1)
          mismatches.push(
            `${completed.get(s.id) ?? 0} pino-http request lines for ${s.id}`,
          );
        if (httpLines.get(s.id) !== 1)
          mismatches.push(
            `${httpLines.get(s.id) ?? 0} http result lines for ${s.id} ${s.method} ${s.path} ${s.status} ${lines
              .filter((l) => l.correlationId === s.id)
              .map((l) => `${l.msg} ${JSON.stringify(l.http)}`)
              .join(' | ')}`,
          );
      }

      // Alert sample ids: ids of failed requests that could have run the operation.
      const events = notifier.events({ status: 'firing' });
      let samples = 0;
      for (const e of events) {
        for (const id of e.sampleCorrelationIds) {
          samples++;
          const s = byId.get(id);
          if (!s || s.status! < 400 || !producedBy(e.operation, s))
            mismatches.push(
              `alert ${e.operation} sample ${id} (${s?.method} ${s?.path} ${s?.status})`,
            );
        }
      }

      expect(mismatches.slice(0, 20)).toEqual([]);
      expect(mismatches).toHaveLength(0);
      // The run really mixed outcomes, and alerts really sampled ids.
      expect(statuses.get(200)).toBeGreaterThan(1000);
      expect(statuses.get(404)).toBeGreaterThan(100);
      expect(statuses.get(400)).toBeGreaterThan(100);
      expect(
        (statuses.get(502) ?? 0) + (statuses.get(504) ?? 0),
      ).toBeGreaterThan(10);
      expect(events.length).toBeGreaterThan(0);
      expect(samples).toBeGreaterThan(0);
    }, 120_000);
  },
);
