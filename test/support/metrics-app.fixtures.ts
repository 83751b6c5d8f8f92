import {
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  Injectable,
  type INestApplication,
  Module,
  Param,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { register } from 'prom-client';
import {
  RfsError,
  RfsModule,
  RfsOperation,
  type RfsModuleForRootOptions,
  err,
  ok,
} from 'nestjs-rfs';
import { type HttpPlatform, httpAdapter } from './http-adapters';
import { listenLocally } from './local-app';

/** `orders.get` (ok, `missing` → NOT_FOUND, `boom` → defect) and `orders.list` routes. */
@Controller('orders')
export class OrdersController {
  @Get(':id')
  @RfsOperation('orders.get')
  get(@Param('id') id: string) {
    if (id === 'boom') throw new Error('database driver crashed');
    if (id === 'missing') return err(RfsError.notFound('order', id));
    return ok({ id });
  }

  @Get()
  @RfsOperation('orders.list')
  list() {
    return ok([]);
  }
}

/** Lets a request through only with the header `x-admin: yes`. */
@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined> }>();
    return req.headers['x-admin'] === 'yes';
  }
}

/**
 * Starts an app with RfsModule (logging off) and PrometheusModule on `adapter`, listening on
 * 127.0.0.1; each app gets fresh series in the default registry. The caller closes it.
 */
export async function startMetricsApp(
  adapter: HttpPlatform,
  rfs: {
    forRoot?: RfsModuleForRootOptions;
    async?: () => object;
    globalPrefix?: string;
  },
): Promise<{ app: INestApplication; base: string }> {
  // Each app gets fresh series in the default registry (the one PrometheusModule serves).
  register.clear();
  // Logging (nestjs-pino) is another feature's concern; these apps run without it.
  const rfsModule = rfs.async
    ? RfsModule.forRootAsync({
        useFactory: async () => ({ logging: false, ...(await rfs.async!()) }),
      })
    : RfsModule.forRoot({ logging: false, ...rfs.forRoot });
  @Module({
    imports: [
      rfsModule,
      PrometheusModule.register({ defaultMetrics: { enabled: false } }),
    ],
    controllers: [OrdersController],
  })
  class AppModule {}
  const app = await NestFactory.create(AppModule, httpAdapter(adapter), {
    logger: false,
  });
  if (rfs.globalPrefix) app.setGlobalPrefix(rfs.globalPrefix);
  return { app, base: await listenLocally(app) };
}
