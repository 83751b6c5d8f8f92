import { CorrelationOptions } from './correlation/correlation.options';
import { RfsModuleOptions, resolveRfsOptions } from './rfs.options';
import { RfsOptionsError } from './rfs.options-errors';

function problemsOf(input: unknown): readonly string[] {
  try {
    resolveRfsOptions(input);
  } catch (e) {
    if (e instanceof RfsOptionsError) return e.problems;
    throw e;
  }
  return [];
}

describe('resolveRfsOptions', () => {
  it('returns the defaults for no options', () => {
    const defaults = new RfsModuleOptions();
    for (const input of [undefined, null, {}]) {
      // http.pipeline 'auto' resolves to 'handler' (the correlation context covers every request)
      expect(resolveRfsOptions(input)).toEqual({
        ...defaults,
        http: { ...defaults.http, pipeline: 'handler' },
      });
    }
  });

  it('merges a partial section over its defaults and keeps false', () => {
    const o = resolveRfsOptions({
      correlation: { headers: ['x-trace-id'] },
      metrics: false,
    });
    expect(o.correlation).toEqual({
      ...new CorrelationOptions(),
      headers: ['x-trace-id'],
    });
    expect(o.metrics).toBe(false);
  });

  it('keeps the default when an option is explicitly undefined', () => {
    const o = resolveRfsOptions({
      correlation: { headers: undefined, responseHeader: undefined },
      serviceName: undefined,
    });
    expect(o.correlation).toEqual(new CorrelationOptions());
    expect(o.serviceName).toBe(new RfsModuleOptions().serviceName);
  });

  it('explains what a section accepts when it is not an object', () => {
    expect(problemsOf({ metrics: true, http: 'on', logging: [] })).toEqual([
      'http must be an options object or false (to switch it off), got "on"',
      'logging must be an options object or false (to switch it off), got an array',
      'metrics must be an options object or false (to switch it off), got true',
    ]);
  });

  it('lists every problem at once, naming the path and what is accepted', () => {
    expect(
      problemsOf({
        serviceName: '',
        correlation: {
          headers: ['ok', 'bad header'],
          pattern: '^[a-z]+$',
          forRoutes: [{ path: 'x' }],
          exclude: 'health',
          generateId: 'uuid',
          header: 'x',
        },
      }),
    ).toEqual([
      'serviceName must be a non-empty string, got ""',
      'correlation.header is not a known option; accepted: headers, useTraceparent, responseHeader, pattern, generateId, forRoutes, exclude',
      'correlation.headers must be an array of HTTP header names, got an array',
      'correlation.pattern must be a RegExp, got "^[a-z]+$"',
      'correlation.generateId must be a function, got "uuid"',
      'correlation.forRoutes must be an array of route paths or { path, method: RequestMethod } objects, got an array',
      'correlation.exclude must be an array of route paths or { path, method: RequestMethod } objects, got "health"',
    ]);
  });

  it('never echoes a long or hostile value in full', () => {
    const [problem] = problemsOf({ serviceName: 42, environment: 'x' });
    expect(problem).toBe('serviceName must be a non-empty string, got 42');
    const long = problemsOf({
      correlation: { responseHeader: 'a\r\n'.repeat(50) },
    });
    expect(long).toEqual([
      'correlation.responseHeader must be an HTTP header name or false, got a string of 150 characters',
    ]);
  });

  it('checks URL-shaped options', () => {
    expect(
      problemsOf({
        http: { problemTypeBaseUrl: 'errors/' },
        dashboard: { path: 'rfs dashboard?x' },
      }),
    ).toEqual([
      "http.problemTypeBaseUrl must be an absolute URL (such as 'https://errors.example.com/') or 'about:blank', got \"errors/\"",
      'dashboard.path must be a route path such as \'rfs/dashboard\', got "rfs dashboard?x"',
    ]);
    expect(
      problemsOf({
        http: { problemTypeBaseUrl: 'https://errors.example.com/' },
        dashboard: { path: '/ops/rfs' },
      }),
    ).toEqual([]);
    expect(problemsOf({ dashboard: { path: '../x' } })).toHaveLength(1);
  });

  it('rejects a non-object', () => {
    expect(problemsOf('options')).toEqual([
      'options must be an object, got "options"',
    ]);
  });
});
