import { execFile } from 'node:child_process';
import { join } from 'node:path';
import {
  AlertDeliveryError,
  type AlertEvent,
  AlertmanagerNotifier,
  WebhookAlertNotifier,
  alertBatchKey,
} from 'nestjs-rfs';
import { startReceiver } from '../../../test/support/http-receiver';
import { RfsTestClock } from '../../testing/rfs-test.clock';

/** A local receiver answering with the scripted behaviours, in order, then 200. */
function receiver(script: ('500' | '400' | 'hang' | '200')[] = []) {
  return startReceiver(() => {
    const step = script.shift() ?? '200';
    return step === 'hang' ? 'hang' : Number(step);
  });
}

function ev(status: 'firing' | 'resolved' = 'firing'): AlertEvent {
  return {
    id: 'rfs_high_error_rate:orders.create',
    rule: 'rfs_high_error_rate',
    operation: 'orders.create',
    severity: 'critical',
    status,
    value: 0.2,
    threshold: 0.05,
    startsAt: '2026-01-01T00:00:00.000Z',
    ...(status === 'resolved' ? { endsAt: '2026-01-01T00:10:00.000Z' } : {}),
    evaluatedAt: '2026-01-01T00:01:00.000Z',
    labels: {
      alertname: 'rfs_high_error_rate',
      operation: 'orders.create',
      severity: 'critical',
      team: 'orders',
    },
    annotations: { summary: 'High error rate on orders.create' },
    sampleCorrelationIds: ['c1', 'c2'],
    service: 'shop',
    instance: 'host:1',
    generatorURL: 'http://shop:3000/rfs/dashboard',
  };
}

describe('WebhookAlertNotifier', () => {
  it('POSTs JSON with an Idempotency-Key that stays the same across retries', async () => {
    const r = await receiver(['500', 'hang', '200']);
    try {
      const n = new WebhookAlertNotifier({
        url: `${r.url}/hook`,
        headers: { authorization: 'Bearer t' },
        timeoutMs: 1000, // the hang costs one timeout; generous for a loaded machine
        retries: 2,
        retryBaseMs: 1,
      });
      await n.notify([ev()]);
      expect(r.received).toHaveLength(3);
      const keys = new Set(r.received.map((g) => g.headers['idempotency-key']));
      expect([...keys]).toEqual([alertBatchKey([ev()])]);
      expect(r.received[2]).toMatchObject({
        path: '/hook',
        headers: {
          authorization: 'Bearer t',
          'content-type': 'application/json',
        },
        body: {
          version: '1',
          idempotencyKey: alertBatchKey([ev()]),
          events: [ev()],
        },
      });
    } finally {
      await r.close();
    }
  });

  it('rejects with a retryable error when every attempt fails, and a permanent one on 400', async () => {
    const r = await receiver(['500', '500', '400']);
    try {
      const n = new WebhookAlertNotifier({
        url: r.url,
        retries: 1,
        retryBaseMs: 1,
      });
      await expect(n.notify([ev()])).rejects.toMatchObject({
        retryable: true,
        message: expect.stringContaining('HTTP 500'),
      });
      const e = await n.notify([ev()]).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(AlertDeliveryError);
      expect(e).toMatchObject({ retryable: false });
    } finally {
      await r.close();
    }
  });

  it('names the receiver by origin only: no path secret or credentials in delivery errors', async () => {
    const r = await receiver(['400']);
    try {
      const secretUrl =
        r.url.replace('http://', 'http://user:pa55@') +
        '/services/T0/B0/s3cr3t';
      const e = await new WebhookAlertNotifier({ url: secretUrl, retries: 0 })
        .notify([ev()])
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(AlertDeliveryError);
      const message = (e as AlertDeliveryError).message;
      expect(message).toContain(new URL(r.url).origin);
      expect(message).not.toMatch(/s3cr3t|pa55|services/);
    } finally {
      await r.close();
    }
  });

  it('reports a refused connection', async () => {
    const r = await receiver();
    await r.close();
    const n = new WebhookAlertNotifier({ url: r.url, retries: 0 });
    await expect(n.notify([ev()])).rejects.toThrow(
      /webhook http:\/\/127\.0\.0\.1:\d+/,
    );
  });

  it('distinguishes notifications of the same alert by evaluation time', () => {
    expect(alertBatchKey([ev()])).not.toBe(
      alertBatchKey([{ ...ev(), evaluatedAt: '2026-01-01T00:16:00.000Z' }]),
    );
    expect(alertBatchKey([ev()])).not.toBe(alertBatchKey([ev('resolved')]));
  });

  it('rejects bad options with a sentence naming the field', () => {
    expect(() => new WebhookAlertNotifier({ url: 'ftp://x' })).toThrow(
      /url must be an absolute http\(s\) URL/,
    );
    expect(
      () => new WebhookAlertNotifier({ url: 'http://x', timeoutMs: 0 }),
    ).toThrow(/timeoutMs must be a positive number/);
  });
});

describe('AlertmanagerNotifier', () => {
  it('POSTs the v2 payload: labels, annotations, startsAt, endsAt 4 × resendInterval ahead', async () => {
    const r = await receiver();
    const clock = new RfsTestClock(Date.parse('2026-01-01T00:01:00.000Z'));
    const n = new AlertmanagerNotifier({
      url: `${r.url}/`,
      resendInterval: '1m',
      clock,
    });
    try {
      await n.notify([ev()]);
      expect(r.received[0].path).toBe('/api/v2/alerts');
      expect(r.received[0].body).toEqual([
        {
          labels: {
            alertname: 'rfs_high_error_rate',
            operation: 'orders.create',
            severity: 'critical',
            service: 'shop',
            instance: 'host:1',
            team: 'orders',
          },
          annotations: {
            summary: 'High error rate on orders.create',
            value: '0.2',
            threshold: '0.05',
            correlation_ids: 'c1 c2',
          },
          startsAt: '2026-01-01T00:00:00.000Z',
          endsAt: '2026-01-01T00:05:00.000Z',
          generatorURL: 'http://shop:3000/rfs/dashboard',
        },
      ]);
      expect(n.activeAlerts()).toHaveLength(1);

      clock.advance(60_000);
      await n.resend();
      expect((r.received[1].body as { endsAt: string }[])[0].endsAt).toBe(
        '2026-01-01T00:06:00.000Z',
      );

      await n.notify([ev('resolved')]);
      expect((r.received[2].body as { endsAt: string }[])[0].endsAt).toBe(
        '2026-01-01T00:10:00.000Z',
      );
      expect(n.activeAlerts()).toEqual([]);
      await n.resend();
      expect(r.received).toHaveLength(3); // nothing active, nothing re-sent
    } finally {
      n.close();
      await r.close();
    }
  });

  it('re-sends active alerts every resendInterval on its own timer', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    const n = new AlertmanagerNotifier({
      url: 'http://127.0.0.1:1',
      resendInterval: '30s',
    });
    const post = jest
      .spyOn(n as unknown as { post(): Promise<void> }, 'post')
      .mockResolvedValue();
    try {
      await n.notify([ev()]);
      expect(post).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(90_000);
      expect(post).toHaveBeenCalledTimes(4);
      const failures: unknown[] = [];
      n.attachFailureReporter((e) => failures.push(e));
      post.mockRejectedValueOnce(new Error('am down'));
      await jest.advanceTimersByTimeAsync(30_000);
      expect(failures).toEqual([new Error('am down')]); // counted, retried next interval
      await n.notify([ev('resolved')]);
      await jest.advanceTimersByTimeAsync(90_000);
      expect(post).toHaveBeenCalledTimes(6);
    } finally {
      n.close();
      jest.useRealTimers();
    }
  });

  it('fails with a retryable error on 5xx and refuses resendInterval ≥ 5m', async () => {
    const r = await receiver(['500']);
    try {
      const n = new AlertmanagerNotifier({ url: r.url });
      await expect(n.notify([ev()])).rejects.toMatchObject({ retryable: true });
      n.close();
    } finally {
      await r.close();
    }
    expect(
      () => new AlertmanagerNotifier({ url: r.url, resendInterval: '5m' }),
    ).toThrow(/under Alertmanager's 5m resolve_timeout/);
  });

  it('rejects a timeoutMs that is not a positive number setTimeout can wait for', () => {
    // setTimeout fires after 1 ms for NaN, ≤ 0 and anything over 2^31-1 ms: every POST would time out
    for (const timeoutMs of [0, -1, NaN, Infinity, 2 ** 31])
      expect(
        () => new AlertmanagerNotifier({ url: 'http://am:9093', timeoutMs }),
      ).toThrow(/AlertmanagerNotifier timeoutMs must be a positive number/);
    expect(
      () => new WebhookAlertNotifier({ url: 'http://x', timeoutMs: 2 ** 31 }),
    ).toThrow(/WebhookAlertNotifier timeoutMs must be a positive number/);
    expect(
      () =>
        new AlertmanagerNotifier({
          url: 'http://am:9093',
          timeoutMs: 2 ** 31 - 1,
        }),
    ).not.toThrow();
  });
});

describe('HTTP notifiers on the event loop', () => {
  // Node compiles undici on the first fetch, blocking the event loop for 45–65 ms: an alert
  // going out must not make requests in flight pay that. A fresh process shows what loads.
  it.each([
    [
      'WebhookAlertNotifier',
      'new WebhookAlertNotifier({ url: `http://127.0.0.1:${port}/hook`, retries: 0 })',
    ],
    [
      'AlertmanagerNotifier',
      'new AlertmanagerNotifier({ url: `http://127.0.0.1:${port}` })',
    ],
  ])('%s delivers without loading fetch (undici)', async (name, construct) => {
    const script = [
      "const http = require('node:http');",
      "const rfs = require('nestjs-rfs');",
      "const undici = () => process.moduleLoadList.includes('NativeModule internal/deps/undici/undici');",
      'const server = http.createServer((req, res) => { req.resume(); req.on("end", () => res.end()); });',
      'server.listen(0, "127.0.0.1", async () => {',
      '  const port = server.address().port;',
      `  const n = (({ ${name} }) => ${construct})(rfs);`,
      `  let failure = null;`,
      `  await n.notify([${JSON.stringify(ev())}]).catch((e) => (failure = e.message));`,
      '  n.close?.();',
      '  server.close();',
      '  console.log(JSON.stringify({ failure, undici: undici() }));',
      '});',
    ].join('\n');
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [
          '--require',
          join(__dirname, '../../../bench/harness/register.js'),
          '-e',
          script,
        ],
        { cwd: join(__dirname, '../../..'), timeout: 60_000 },
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    );
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({
      failure: null,
      undici: false,
    });
  });
});
