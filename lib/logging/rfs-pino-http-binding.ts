import {
  Inject,
  Injectable,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { CorrelationIdResolver } from '../correlation/correlation-id.resolver';
import { getRfsOptionsToken } from '../rfs-options.provider';
import type { RfsModuleOptions } from '../rfs.options';
import { LogRedactor } from './log-redactor';
import { LoggingOptions } from './logging.options';
import { bindRfsPinoRuntime } from './rfs-pino-http';

/** nestjs-pino's token for its `LoggerModule.forRoot` params (a string: no import needed). */
const PINO_PARAMS = 'pino-params';

/**
 * Binds this application's `rfsPinoHttp()` options (found in nestjs-pino's params) to this
 * application's correlation resolver and redaction rules at init, so two applications in one
 * process never share them (without it, the last one started would decide for both).
 *
 * @internal registered by RfsModule
 */
@Injectable()
export class RfsPinoHttpBinding implements OnModuleInit {
  constructor(
    @Inject(getRfsOptionsToken()) private readonly options: RfsModuleOptions,
    private readonly resolver: CorrelationIdResolver,
    @Optional() @Inject(PINO_PARAMS) private readonly params?: unknown,
  ) {}

  onModuleInit(): void {
    const logging = this.options.logging;
    bindRfsPinoRuntime(
      this.params,
      this.options.correlation === false ? undefined : this.resolver,
      new LogRedactor(
        logging === false ? new LoggingOptions().redact : logging.redact,
      ),
    );
  }
}
