import type { Provider } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { rfsGlobalEnhancer } from '../rfs-global-enhancer';
import { ProblemDetailsFactory } from './problem-details';
import { ResultExceptionFilter } from './result-exception.filter';
import { ResultHandlerPipeline } from './result-handler.pipeline';
import { ResultInterceptor } from './result.interceptor';

/**
 * Providers RfsModule registers for the `http` section: the problem factory, and
 * ResultInterceptor / ResultExceptionFilter as global enhancers (each class is also a provider,
 * so tests can `.overrideProvider(ResultInterceptor)`); `http: false`,
 * `http.interceptor: false` and `http.exceptionFilter: false` switch them off;
 * `http.pipeline: 'handler'` replaces the interceptor with {@link ResultHandlerPipeline}.
 */
export const httpProviders: Provider[] = [
  ProblemDetailsFactory,
  ...rfsGlobalEnhancer(
    APP_INTERCEPTOR,
    ResultInterceptor,
    (o) =>
      o.http !== false && o.http.interceptor && o.http.pipeline !== 'handler',
  ),
  // wraps route handlers only with `http.pipeline: 'handler'`
  ResultHandlerPipeline,
  ...rfsGlobalEnhancer(
    APP_FILTER,
    ResultExceptionFilter,
    (o) => o.http !== false && o.http.exceptionFilter,
  ),
];
