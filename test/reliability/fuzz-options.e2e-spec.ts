// Fuzzing RfsModule options and alert rules with fast-check: a startup validation error
// (RfsOptionsError naming the field) or a configuration that starts, serves and evaluates
// alerts on real apps (Express and Fastify).
import fc from 'fast-check';
import { register } from 'prom-client';
import {
  AlertCondition,
  ResultAlertService,
  RfsModule,
  RfsOptionsError,
  resolveRfsOptions,
  type RfsModuleOptionsInput,
} from 'nestjs-rfs';
import { HTTP_PLATFORMS } from '../support/http-adapters';
import { rawGet, startFuzzApp } from './fuzz.fixtures';

/** Mostly a valid value, sometimes a wrong-typed or arbitrary one. */
const optionValue = fc.oneof(
  fc.anything(),
  fc.constantFrom(true, false, undefined, null, 0, -1, 1.5, '', 'x', [], {}),
);
function v<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: valid },
    { weight: 1, arbitrary: optionValue },
  );
}
const section = <T>(valid: fc.Arbitrary<T>) =>
  v(fc.oneof(valid, fc.constant(false)));
const duration = v(fc.constantFrom('15s', '1m', '200ms', '2h'));
const rule = fc.record(
  {
    name: v(fc.constantFrom('r1', 'orders_errors', 'slow')),
    operation: v(fc.constantFrom('*', 'orders.*', 'orders.get')),
    metric: v(
      fc.constantFrom('errorRate', 'p95Ms', 'p99Ms', 'fluxSuccessRate'),
    ),
    condition: v(fc.constantFrom(...Object.values(AlertCondition))),
    threshold: v(fc.double({ min: 0, max: 1000, noNaN: true })),
    window: v(fc.constantFrom('1m', '5m', '15m', '1h')),
    for: duration,
    cooldown: duration,
    minSamples: v(fc.integer({ min: 1, max: 50 })),
    severity: v(fc.constantFrom('critical', 'warning', 'info')),
  },
  {
    requiredKeys: [
      'name',
      'operation',
      'metric',
      'condition',
      'threshold',
      'window',
    ],
  },
);
const options = fc.record(
  {
    serviceName: v(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/)),
    environment: v(fc.constantFrom('production', 'test', 'development')),
    correlation: section(
      fc.record(
        {
          headers: v(
            fc.constantFrom(['x-request-id'], ['x-correlation-id', 'x-trace']),
          ),
          responseHeader: v(fc.constantFrom('x-id', false as const)),
          useTraceparent: v(fc.boolean()),
        },
        { requiredKeys: [] },
      ),
    ),
    http: section(
      fc.record(
        {
          timingHeader: v(fc.boolean()),
          problemTypeBaseUrl: v(
            fc.constantFrom('https://errors.example.com/', 'about:blank'),
          ),
          errorStatus: v(fc.constantFrom({}, { PAYMENT_DECLINED: 402 })),
        },
        { requiredKeys: [] },
      ),
    ),
    logging: section(
      fc.record(
        {
          level: v(fc.constantFrom('info', 'debug', 'warn')),
          slowMs: v(fc.integer({ min: 0, max: 5000 })),
          sampleRate: v(fc.double({ min: 0, max: 1, noNaN: true })),
          redact: v(fc.constantFrom(['password'], [])),
        },
        { requiredKeys: [] },
      ),
    ),
    metrics: section(
      fc.record(
        {
          maxOperations: v(fc.integer({ min: 1, max: 2000 })),
          buckets: v(fc.constantFrom([0.01, 0.1, 1], [0.5])),
          prefix: v(fc.constantFrom('rfs_', 'my_')),
        },
        { requiredKeys: [] },
      ),
    ),
    alerts: section(
      fc.record(
        {
          rules: v(fc.array(rule, { maxLength: 3 })),
          defaultRules: v(fc.boolean()),
          evaluationInterval: duration,
          sampleCorrelationIds: v(fc.integer({ min: 0, max: 10 })),
        },
        { requiredKeys: [] },
      ),
    ),
    dashboard: v(fc.boolean()),
  },
  { requiredKeys: [] },
);

describe('fuzzing RfsModule options and alert rules', () => {
  it('either rejects them at validation with RfsOptionsError naming the field, or accepts them', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(options, (input) => {
        try {
          resolveRfsOptions(input);
          accepted++;
        } catch (e) {
          expect(e).toBeInstanceOf(RfsOptionsError);
          const problems = (e as RfsOptionsError).problems;
          expect(problems.length).toBeGreaterThan(0);
          // Each problem names the option it is about.
          for (const p of problems)
            expect(p).toMatch(
              /\b(options|serviceName|environment|correlation|http|logging|metrics|alerts|dashboard)\b/,
            );
          rejected++;
        }
      }),
      { numRuns: 500 },
    );
    // The generator reaches both sides.
    expect(accepted).toBeGreaterThan(5);
    expect(rejected).toBeGreaterThan(100);
  });

  it.each(HTTP_PLATFORMS)(
    'starts, serves and evaluates alerts with every configuration validation accepts (%s)',
    async (adapter) => {
      const valid = fc.sample(
        options.filter((o) => {
          try {
            resolveRfsOptions(o);
            return true;
          } catch {
            return false;
          }
        }),
        { numRuns: 12, seed: adapter === 'express' ? 1 : 2 },
      );
      for (const input of valid) {
        register.clear();
        const { app, port } = await startFuzzApp(adapter, [
          RfsModule.forRoot({
            ...(input as RfsModuleOptionsInput),
            logging: false, // no LoggerModule in this app
          }),
        ]);
        try {
          const reply = await rawGet(port, '/fuzz/ok');
          expect(reply.status).toBe(200);
          let alerts: ResultAlertService | undefined;
          try {
            alerts = app.get(ResultAlertService);
          } catch {
            alerts = undefined; // alerts: false
          }
          expect(() => alerts?.evaluate()).not.toThrow();
        } finally {
          await app.close();
        }
      }
    },
    60_000,
  );
});
