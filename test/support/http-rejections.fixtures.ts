// An app whose routes Nest rejects before the handler (guards, pipes) next to Ok and Err
// routes, with its HTTP RED series in its own prom-client registry.
import {
  BadRequestException,
  Body,
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  Global,
  Injectable,
  type INestApplication,
  Module,
  Param,
  ParseIntPipe,
  type PipeTransform,
  Post,
  type Provider,
  SetMetadata,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { type AbstractHttpAdapter, NestFactory } from '@nestjs/core';
import { Registry } from 'prom-client';
import {
  RFS_UNTRACKED_METADATA,
  RfsError,
  RfsModule,
  type RfsModuleForRootOptions,
  err,
  getRfsMetricsRegistryToken,
  ok,
} from 'nestjs-rfs';
import { listenLocally } from './local-app';

/** Denies every request (Nest answers 403). */
@Injectable()
export class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

/** Throws 401 unless the request has `x-token: ok`. */
@Injectable()
export class TokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined> }>();
    if (req.headers['x-token'] !== 'ok') throw new UnauthorizedException();
    return true;
  }
}

/** A ValidationPipe-like body check: 400 with field messages unless `quantity` is a number. */
export class QuantityPipe implements PipeTransform {
  transform(value: unknown): unknown {
    const quantity = (value as { quantity?: unknown } | undefined)?.quantity;
    if (typeof quantity !== 'number')
      throw new BadRequestException(['quantity must be a number']);
    return value;
  }
}

@Controller('shop')
export class ShopController {
  @Get('admin')
  @UseGuards(DenyGuard)
  admin() {
    return ok('secret');
  }

  @Get('me')
  @UseGuards(TokenGuard)
  me() {
    return ok({ user: 'u1' });
  }

  @Get('items/:id')
  item(@Param('id', ParseIntPipe) id: number) {
    return ok({ id });
  }

  @Post('orders')
  create(@Body(QuantityPipe) body: { quantity: number }) {
    return ok(body);
  }

  @Get('ok')
  fine() {
    return ok('fine');
  }

  @Get('missing')
  missing() {
    return err(RfsError.notFound('order', '42'));
  }
}

/** Untracked routes (like the dashboard's): no operations, no RED series. */
@Controller('internal')
@SetMetadata(RFS_UNTRACKED_METADATA, true)
export class InternalController {
  @Get('health')
  @UseGuards(DenyGuard)
  health() {
    return 'up';
  }
}

/** A started app, its base URL and the registry holding its series. */
export interface RejectionsApp {
  app: INestApplication;
  base: string;
  registry: Registry;
}

/**
 * Starts the app on `adapter` with global prefix `api` (and `providers` in its root module);
 * the caller closes it.
 */
export async function startRejectionsApp(
  adapter: AbstractHttpAdapter,
  rfs: RfsModuleForRootOptions,
  providers: Provider[] = [],
): Promise<RejectionsApp> {
  const registry = new Registry();
  @Global()
  @Module({
    providers: [{ provide: getRfsMetricsRegistryToken(), useValue: registry }],
    exports: [getRfsMetricsRegistryToken()],
  })
  class RegistryModule {}

  @Module({
    imports: [
      RegistryModule,
      RfsModule.forRoot({
        logging: false,
        metrics: { httpMetrics: true },
        ...rfs,
      }),
    ],
    controllers: [ShopController, InternalController],
    providers,
  })
  class AppModule {}
  const app = await NestFactory.create(AppModule, adapter, {
    logger: false,
    abortOnError: false,
  });
  app.setGlobalPrefix('api');
  return { app, base: await listenLocally(app), registry };
}

/** `METHOD route status` → value of a series with `method`, `route`, `status` labels. */
export async function seriesByRequest(
  registry: Registry,
  name: string,
  metricName = name,
): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const out: Record<string, number> = {};
  const values = (await metric.get()).values as {
    labels: Record<string, string | number | undefined>;
    value: number;
    metricName?: string;
  }[];
  for (const v of values) {
    if ((v.metricName ?? name) !== metricName) continue;
    const l = v.labels;
    out[`${l.method} ${l.route} ${l.status}`] = v.value;
  }
  return out;
}
