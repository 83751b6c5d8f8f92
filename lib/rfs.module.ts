import { Module } from '@nestjs/common';
import { rfsOptionsProvider, getRfsOptionsToken } from './rfs-options.provider';
import { RfsConfigurableModuleClass } from './rfs.module-definition';
import { RFS_CLOCK } from './rfs.constants';
import { systemClock } from './rfs.clock';
import { OperationHub } from './operations/operation-hub';

/**
 * The one root of nestjs-rfs: correlation ids, the Result → HTTP boundary, Result logging,
 * metrics, dashboard and alerts, each configured by one options section.
 *
 * @example
 * ```ts
 * @Module({ imports: [LoggerModule.forRoot({ pinoHttp: rfsPinoHttp() }), RfsModule.forRoot({ serviceName: 'orders' })] })
 * export class AppModule {}
 * ```
 */
@Module({
  providers: [
    rfsOptionsProvider,
    { provide: RFS_CLOCK, useValue: systemClock },
    OperationHub,
  ],
  exports: [getRfsOptionsToken(), RFS_CLOCK, OperationHub],
})
export class RfsModule extends RfsConfigurableModuleClass {}
