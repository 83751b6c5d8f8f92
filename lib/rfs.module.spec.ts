import {
  type CallHandler,
  type ExecutionContext,
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  type NestInterceptor,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { LoggerModule } from 'nestjs-pino';
import type { AddressInfo } from 'node:net';
import { map, type Observable } from 'rxjs';
import { CorrelationService } from './correlation/correlation.service';
import { OperationHub } from './operations/operation-hub';
import { rfsGlobalEnhancer } from './rfs-global-enhancer';
import { InjectRfsOptions, getRfsOptionsToken } from './rfs-options.provider';
import { RfsModule } from './rfs.module';
import type {
  RfsModuleForRootOptions,
  RfsOptionsFactory,
} from './rfs.module-definition';
import { RfsModuleOptions, type RfsModuleOptionsInput } from './rfs.options';
import { RfsOptionsError } from './rfs.options-errors';

@Injectable()
class OptionsReader {
  constructor(@InjectRfsOptions() readonly options: RfsModuleOptions) {}
}

@Module({ providers: [OptionsReader], exports: [OptionsReader] })
class FeatureModule {}

// Result logging (on by default) needs nestjs-pino's LoggerModule, as in a user's app.
const pinoModule = LoggerModule.forRoot({ pinoHttp: { level: 'silent' } });

async function compile(rfs: ReturnType<typeof RfsModule.forRoot>) {
  const ref = await Test.createTestingModule({
    imports: [pinoModule, rfs, FeatureModule],
  }).compile();
  return ref;
}

describe('RfsModule.forRoot', () => {
  it('resolves options over the defaults and injects them into feature modules (global by default)', async () => {
    const ref = await compile(
      RfsModule.forRoot({ serviceName: 'orders', metrics: false }),
    );
    const options = ref.get(OptionsReader).options;
    expect(options.serviceName).toBe('orders');
    expect(options.metrics).toBe(false);
    expect(options.correlation).toEqual(new RfsModuleOptions().correlation);
    expect(ref.get(getRfsOptionsToken())).toBe(options);
    await ref.close();
  });

  it('accepts no options at all', async () => {
    const ref = await compile(RfsModule.forRoot());
    // the defaults, with http.pipeline 'auto' resolved to the pipeline it stands for
    expect(ref.get(OptionsReader).options.http).toEqual({
      ...(new RfsModuleOptions().http as object),
      pipeline: 'handler',
    });
    expect(ref.get(CorrelationService)).toBeInstanceOf(CorrelationService);
    await ref.close();
  });

  it('is not visible to other modules with isGlobal: false', async () => {
    await expect(
      compile(RfsModule.forRoot({ isGlobal: false })),
    ).rejects.toThrow(/OptionsReader/);
  });

  it('stops startup with an error naming each bad option and what is accepted', async () => {
    const bad = {
      metrics: { maxOperations: -1 },
      correlation: { responseHeader: 'bad header\r\n' },
      logging: { level: 'loud' },
      metric: {},
    } as unknown as RfsModuleForRootOptions;
    const error: unknown = await compile(RfsModule.forRoot(bad)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RfsOptionsError);
    const problems = (error as RfsOptionsError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        'metrics.maxOperations must be an integer ≥ 1, got -1',
        'correlation.responseHeader must be an HTTP header name or false, got "bad header\\r\\n"',
        "logging.level must be one of 'trace', 'debug', 'info', 'warn', 'error', 'fatal', got \"loud\"",
        expect.stringMatching(
          /^metric is not a known option; accepted: .*metrics/,
        ),
      ]),
    );
    expect((error as Error).message).toContain('README');
  });
});

describe('RfsModule imported without forRoot', () => {
  it('fails with an error saying how to import it', async () => {
    @Module({ imports: [RfsModule] })
    class BareFeature {}
    for (const imports of [
      [RfsModule],
      [pinoModule, RfsModule.forRoot(), BareFeature],
    ]) {
      await expect(
        Test.createTestingModule({ imports }).compile(),
      ).rejects.toThrow(
        /RfsModule has no options: import it as RfsModule\.forRoot\(options\) or RfsModule\.forRootAsync/,
      );
    }
  });
});

describe('RfsModule.forRootAsync', () => {
  const CONFIG = Symbol('config');

  @Module({
    providers: [{ provide: CONFIG, useValue: 'billing' }],
    exports: [CONFIG],
  })
  class ConfigModule {}

  @Injectable()
  class RfsConfig implements RfsOptionsFactory {
    constructor(@Inject(CONFIG) private readonly name: string) {}
    createRfsOptions(): RfsModuleOptionsInput {
      return { serviceName: this.name, dashboard: false };
    }
  }

  @Module({
    imports: [ConfigModule],
    providers: [RfsConfig],
    exports: [RfsConfig],
  })
  class RfsConfigModule {}

  it.each([
    [
      'useFactory',
      RfsModule.forRootAsync({
        imports: [ConfigModule],
        inject: [CONFIG],
        useFactory: async (name: string) => ({
          serviceName: name,
          dashboard: false as const,
        }),
      }),
    ],
    [
      'useClass',
      RfsModule.forRootAsync({ imports: [ConfigModule], useClass: RfsConfig }),
    ],
    [
      'useExisting',
      RfsModule.forRootAsync({
        imports: [RfsConfigModule],
        useExisting: RfsConfig,
      }),
    ],
  ])('resolves options from %s', async (_kind, dynamicModule) => {
    const ref = await compile(dynamicModule);
    const options = ref.get(OptionsReader).options;
    expect(options.serviceName).toBe('billing');
    expect(options.dashboard).toBe(false);
    expect(options.logging).toEqual(new RfsModuleOptions().logging);
    await ref.close();
  });

  it('stops startup when the factory returns a bad value', async () => {
    await expect(
      compile(
        RfsModule.forRootAsync({
          useFactory: () =>
            ({
              http: { errorStatus: { NOT_FOUND: 999 } },
            }) as RfsModuleOptionsInput,
        }),
      ),
    ).rejects.toThrow(
      'http.errorStatus.NOT_FOUND must be an integer between 100 and 599, got 999',
    );
  });
});

describe('RfsModule lifecycle', () => {
  it('makes its OperationHub current on init and clears it on close', async () => {
    const ref = await compile(RfsModule.forRoot());
    const app = ref.createNestApplication();
    await app.init();
    const hub = app.get(OperationHub);
    expect(OperationHub.current()).toBe(hub);
    await app.close();
    expect(OperationHub.current()).toBeUndefined();
  });

  it('leaves a newer app’s hub current when an older app closes', async () => {
    const first = (await compile(RfsModule.forRoot())).createNestApplication();
    await first.init();
    const second = (await compile(RfsModule.forRoot())).createNestApplication();
    await second.init();
    await first.close();
    expect(OperationHub.current()).toBe(second.get(OperationHub));
    await second.close();
    expect(OperationHub.current()).toBeUndefined();
  });
});

describe('rfsGlobalEnhancer', () => {
  @Injectable()
  class TagInterceptor implements NestInterceptor {
    intercept(_ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
      return next.handle().pipe(map((v) => ({ tag: 'real', v })));
    }
  }

  @Controller('x')
  class XController {
    @Get()
    get(): string {
      return 'ok';
    }
  }

  function enhancedModule(when?: (o: RfsModuleOptions) => boolean) {
    @Module({
      imports: [RfsModule.forRoot({ serviceName: 'svc', logging: false })],
      controllers: [XController],
      providers: rfsGlobalEnhancer(APP_INTERCEPTOR, TagInterceptor, when),
    })
    class EnhancedModule {}
    return EnhancedModule;
  }

  async function body(
    module: ReturnType<typeof enhancedModule>,
    override?: NestInterceptor,
  ): Promise<unknown> {
    let builder = Test.createTestingModule({ imports: [module] });
    if (override)
      builder = builder.overrideProvider(TagInterceptor).useValue(override);
    const ref = await builder.compile();
    const app = ref.createNestApplication(new ExpressAdapter(), {
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
    try {
      const { port } = app.getHttpServer().address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/x`);
      const text = await res.text();
      return text.startsWith('{') ? JSON.parse(text) : text;
    } finally {
      await app.close();
    }
  }

  it('registers the class globally through useExisting', async () => {
    await expect(body(enhancedModule())).resolves.toEqual({
      tag: 'real',
      v: 'ok',
    });
  });

  it('lets tests replace the enhancer with overrideProvider', async () => {
    const fake: NestInterceptor = {
      intercept: (_c, next) => next.handle().pipe(map(() => 'fake')),
    };
    await expect(body(enhancedModule(), fake)).resolves.toBe('fake');
    await expect(
      body(
        enhancedModule(() => true),
        fake,
      ),
    ).resolves.toBe('fake');
  });

  it('is skipped when its option switch is off', async () => {
    await expect(
      body(enhancedModule((o) => o.serviceName !== 'svc')),
    ).resolves.toBe('ok');
    await expect(
      body(enhancedModule((o) => o.serviceName === 'svc')),
    ).resolves.toEqual({ tag: 'real', v: 'ok' });
  });
});
