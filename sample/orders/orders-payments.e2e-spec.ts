// Paying orders (MonoResult + timeout + retry against the scripted gateway) and the telemetry
// the testing kit sees (logs, metrics, the default error-rate alert), on Express and Fastify.
import { assertLogged, recordedOperationCount } from 'nestjs-rfs/testing';
import { POLICY, order, useOrdersSample } from './orders.fixtures';

describe.each(['express', 'fastify'] as const)(
  'orders sample on %s',
  (adapter) => {
    const sample = useOrdersSample(adapter);

    describe('pay (MonoResult + timeout + retry)', () => {
      beforeEach(async () => {
        await sample.call('POST', '/orders', order('PAY-1', 2500));
      });

      it('retries a failing provider and pays the order', async () => {
        sample.gateway.script('fail', 'ok');
        const res = await sample.call('POST', '/orders/1/pay');
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          id: 1,
          status: 'paid',
          paymentId: expect.stringMatching(/^pay_/),
        });
        expect(sample.gateway.calls).toBe(2);
        expect((await sample.call('GET', '/orders/1')).body.status).toBe(
          'paid',
        );
      });

      it('answers 409 when the order is already paid, without calling the provider', async () => {
        sample.gateway.script('ok');
        expect((await sample.call('POST', '/orders/1/pay')).status).toBe(200);
        const again = await sample.call('POST', '/orders/1/pay');
        expect(again.status).toBe(409);
        expect(sample.gateway.calls).toBe(1);
      });

      it('answers 502 after 1 + retries failed attempts and marks the order', async () => {
        sample.gateway.script('fail', 'fail', 'fail');
        const res = await sample.call('POST', '/orders/1/pay');
        expect(res.status).toBe(502);
        expect(res.body).toMatchObject({
          code: 'EXTERNAL_SERVICE_ERROR',
          details: { service: 'payments' },
        });
        expect(sample.gateway.calls).toBe(1 + POLICY.retries);
        expect((await sample.call('GET', '/orders/1')).body.status).toBe(
          'payment_failed',
        );
      });

      it('answers 504 when every attempt hangs past the time limit', async () => {
        sample.gateway.script('hang', 'hang', 'hang');
        const res = await sample.call('POST', '/orders/1/pay');
        expect(res.status).toBe(504);
        expect(res.body.code).toBe('TIMEOUT_ERROR');
        expect(sample.gateway.calls).toBe(1 + POLICY.retries);
      });

      it('answers 404 for an unknown order', async () => {
        expect((await sample.call('POST', '/orders/77/pay')).status).toBe(404);
        expect(sample.gateway.calls).toBe(0);
      });
    });

    describe('telemetry (testing kit)', () => {
      it('logs each service call and the HTTP handler with the same correlation id', async () => {
        const capture = sample.ctx.capture;
        await sample.call('GET', '/orders/5', undefined, {
          'x-correlation-id': 'look-5',
        });
        const [service] = assertLogged(
          capture,
          { operation: 'OrdersService.get', outcome: 'err' },
          1,
        );
        expect(service).toMatchObject({
          correlationId: 'look-5',
          level: 40,
          error: { code: 'NOT_FOUND' },
        });
        assertLogged(
          capture,
          { operation: 'orders.get', correlationId: 'look-5' },
          1,
        );
      });

      it('counts operations in the metrics, payments attempts included', async () => {
        const metrics = sample.ctx.metrics;
        await sample.call('POST', '/orders', order('M-1'));
        sample.gateway.script('fail', 'fail', 'fail');
        await sample.call('POST', '/orders/1/pay');
        await sample.call('GET', '/orders/9');
        expect(
          await recordedOperationCount(metrics, 'orders.create', 'ok'),
        ).toBe(1);
        expect(await recordedOperationCount(metrics, 'orders.get', 'err')).toBe(
          1,
        );
        expect(
          await recordedOperationCount(metrics, 'payments.charge', 'err'),
        ).toBe(1);
        expect(await recordedOperationCount(metrics, 'orders.pay', 'err')).toBe(
          1,
        );
      });

      it('fires the default error-rate alert when lookups keep failing, and resolves it', async () => {
        const { clock } = sample.ctx;
        const alerts = sample.ctx.alerts.service;
        // minSamples 20 over 5m, error rate > 5%, held for 1m.
        for (let i = 0; i < 25; i++)
          await sample.call('GET', `/orders/${1000 + i}`);
        clock.advance(15_000);
        expect(alerts.getActiveAlerts().map((a) => a.rule)).not.toContain(
          'rfs_high_error_rate',
        );
        clock.advance(60_000);
        const active = alerts
          .getActiveAlerts()
          .filter((a) => a.rule === 'rfs_high_error_rate');
        expect(active.map((a) => a.operation).sort()).toEqual([
          'OrdersService.get',
          'orders.get',
        ]);
        expect(active[0]).toMatchObject({
          severity: 'critical',
          status: 'firing',
        });
        // Once the failures leave the 5m window, the alert resolves.
        clock.advance(6 * 60_000);
        expect(
          alerts
            .getActiveAlerts()
            .filter((a) => a.rule === 'rfs_high_error_rate'),
        ).toEqual([]);
        await sample.ctx.alerts.flush();
        expect(
          sample.ctx.alerts
            .delivered({ rule: 'rfs_high_error_rate', operation: 'orders.get' })
            .map((e) => e.status),
        ).toEqual(['firing', 'resolved']);
      });
    });
  },
);
