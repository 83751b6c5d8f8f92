import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { firstValueFrom, defer, of } from 'rxjs';
import { CorrelationContext } from './correlation-context';
import { CorrelationIdResolver } from './correlation-id.resolver';
import { CorrelationInterceptor } from './correlation.interceptor';

const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function contextOf(
  type: 'rpc' | 'ws' | 'http',
  data: unknown,
  second?: unknown,
): ExecutionContextHost {
  // ws handlers get (client, data); rpc handlers get (data, context)
  const ctx = new ExecutionContextHost(
    type === 'ws' ? [second, data] : [data, second],
  );
  ctx.setType(type);
  return ctx;
}

const handler = {
  handle: () =>
    defer(async () => {
      await new Promise((r) => setImmediate(r));
      return CorrelationContext.getId();
    }),
};

const interceptor = new CorrelationInterceptor(new CorrelationIdResolver());

function run(ctx: ExecutionContextHost): Promise<unknown> {
  return firstValueFrom(interceptor.intercept(ctx, handler));
}

describe('CorrelationInterceptor', () => {
  it('takes the id from the message correlationId field (rpc and ws)', async () => {
    await expect(run(contextOf('rpc', { correlationId: 'r-1' }))).resolves.toBe(
      'r-1',
    );
    await expect(run(contextOf('ws', { correlationId: 'w-1' }))).resolves.toBe(
      'w-1',
    );
  });

  it('reads data.headers, gRPC-style metadata, NATS headers and Kafka message headers', async () => {
    await expect(
      run(contextOf('rpc', { headers: { 'x-request-id': 'h-1' } })),
    ).resolves.toBe('h-1');
    const grpcMetadata = {
      get: (k: string) => (k === 'x-correlation-id' ? ['g-1'] : []),
    };
    await expect(run(contextOf('rpc', {}, grpcMetadata))).resolves.toBe('g-1');
    const nats = {
      getHeaders: () => ({
        get: (k: string) => (k === 'x-correlation-id' ? 'n-1' : undefined),
      }),
    };
    await expect(run(contextOf('rpc', {}, nats))).resolves.toBe('n-1');
    const kafka = {
      getMessage: () => ({
        headers: { 'x-correlation-id': Buffer.from('k-1') },
      }),
    };
    await expect(run(contextOf('rpc', {}, kafka))).resolves.toBe('k-1');
  });

  it('generates an id when the message carries none or an invalid one', async () => {
    await expect(run(contextOf('rpc', 'plain string'))).resolves.toMatch(UUID);
    await expect(
      run(contextOf('ws', { correlationId: 'no spaces allowed' })),
    ).resolves.toMatch(UUID);
  });

  it('passes HTTP through untouched and keeps an active context', async () => {
    const same = of('same');
    expect(
      interceptor.intercept(contextOf('http', {}), { handle: () => same }),
    ).toBe(same);
    await CorrelationContext.run('active', async () => {
      await expect(
        run(contextOf('rpc', { correlationId: 'other' })),
      ).resolves.toBe('active');
    });
  });
});
