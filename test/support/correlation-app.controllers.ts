// The controllers and providers of the correlation e2e specs (test/correlation-*.e2e-spec.ts):
// each handler reports the correlation id it sees, through every way a user reads it.
import {
  Body,
  CanActivate,
  Controller,
  Get,
  HttpException,
  Injectable,
  Post,
  Req,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CorrelationContext,
  CorrelationInterceptor,
  CorrelationService,
  WithCorrelation,
  correlationStoreOf,
} from 'nestjs-rfs';

/** Sets a request field, so a handler can show it sees fields set in a guard. */
@Injectable()
export class TenantGuard implements CanActivate {
  canActivate(): boolean {
    CorrelationContext.set('tenant', 'acme');
    return true;
  }
}

/** A plain provider with a `@WithCorrelation` method (keeps the active id, else a new one). */
@Injectable()
export class Jobs {
  @WithCorrelation()
  run(): string | undefined {
    return CorrelationContext.getId();
  }
}

@Controller('items')
export class ItemsController {
  constructor(
    private readonly correlation: CorrelationService,
    private readonly jobs: Jobs,
  ) {}

  @Get('id')
  async id(): Promise<{ id?: string; service?: string; job?: string }> {
    await new Promise((r) => setImmediate(r));
    return {
      id: CorrelationContext.getId(),
      service: this.correlation.getId(),
      job: this.jobs.run(),
    };
  }

  @Get('tenant')
  @UseGuards(TenantGuard)
  tenant(): Record<string, unknown> {
    return this.correlation.fields();
  }

  @Get('store')
  store(@Req() req: unknown): { id?: string } {
    return { id: correlationStoreOf(req)?.id };
  }

  @Get('outbound')
  outbound(): Record<string, string> {
    return this.correlation.outboundHeaders();
  }

  @Post('echo')
  echo(@Body() body: unknown): { id?: string; body: unknown } {
    return { id: CorrelationContext.getId(), body };
  }

  @Get('bad')
  bad(): never {
    throw new HttpException('nope', 409);
  }

  @Get('crash')
  crash(): never {
    throw new Error('internal');
  }
}

/** A versioned controller (`/v1/things` with URI versioning, `/things` without). */
@Controller({ path: 'things', version: '1' })
export class ThingsController {
  @Get()
  get(): { id?: string } {
    return { id: CorrelationContext.getId() };
  }
}

@Controller()
@UseInterceptors(CorrelationInterceptor)
export class RpcController {
  constructor(private readonly jobs: Jobs) {}

  @MessagePattern('corr.get')
  @UseInterceptors(CorrelationInterceptor) // applied twice on purpose: still one context
  async get(
    @Payload() _msg: unknown,
  ): Promise<{ id?: string; job?: string; fields: object }> {
    CorrelationContext.set('handler', 'rpc');
    await new Promise((r) => setImmediate(r));
    return {
      id: CorrelationContext.getId(),
      job: this.jobs.run(),
      fields: CorrelationContext.fields(),
    };
  }
}
