import type { Provider } from '@nestjs/common';
import { APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import { getRfsOptionsToken } from '../rfs-options.provider';
import type { RfsModuleOptions } from '../rfs.options';
import { CorrelationIdResolver } from './correlation-id.resolver';
import { CorrelationInterceptor } from './correlation.interceptor';
import { CorrelationMiddleware } from './correlation.middleware';
import { CorrelationService } from './correlation.service';
import { CorrelationSetup } from './correlation-http-setup';
import { CORRELATION_RESPONSE_HEADER } from './correlation.tokens';

/**
 * Providers RfsModule registers for the `correlation` section. With `correlation: false` the
 * middleware is not applied, but the service and interceptor still work (with default options),
 * so code that reads ids never needs to know whether the feature is on.
 */
export const correlationProviders: Provider[] = [
  {
    provide: CorrelationIdResolver,
    useFactory: (o: RfsModuleOptions) =>
      new CorrelationIdResolver(o.correlation || undefined),
    inject: [getRfsOptionsToken()],
  },
  {
    provide: CORRELATION_RESPONSE_HEADER,
    useFactory: (o: RfsModuleOptions): string | false =>
      o.correlation === false ? false : o.correlation.responseHeader,
    inject: [getRfsOptionsToken()],
  },
  CorrelationService,
  CorrelationMiddleware,
  CorrelationSetup,
  CorrelationInterceptor,
  {
    // Global only where no HTTP route would pay an interceptor pass for it: apps without an
    // HTTP adapter (NestFactory.createMicroservice). HTTP apps apply it to their message
    // controllers and gateways with @UseInterceptors(CorrelationInterceptor).
    provide: APP_INTERCEPTOR,
    useFactory: (host: HttpAdapterHost, interceptor: CorrelationInterceptor) =>
      host.httpAdapter ? null : interceptor,
    inject: [HttpAdapterHost, CorrelationInterceptor],
  },
];
