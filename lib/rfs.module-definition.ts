import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { RfsModuleOptionsInput } from './rfs.options';

/** Extras of `RfsModule.forRoot/forRootAsync` that are not options of the library itself. */
export interface RfsModuleExtras {
  /** Register the module globally (default true), so feature modules need not import it. */
  isGlobal: boolean;
}

/**
 * A class for `RfsModule.forRootAsync({ useClass })` / `({ useExisting })`.
 *
 * @example
 * ```ts
 * @Injectable()
 * class RfsConfig implements RfsOptionsFactory {
 *   constructor(private readonly config: ConfigService) {}
 *   createRfsOptions(): RfsModuleOptionsInput {
 *     return { serviceName: this.config.get('SERVICE_NAME') };
 *   }
 * }
 * RfsModule.forRootAsync({ imports: [ConfigModule], useClass: RfsConfig });
 * ```
 */
export interface RfsOptionsFactory {
  /** Returns the (unvalidated) options; RfsModule merges defaults and validates them. */
  createRfsOptions(): RfsModuleOptionsInput | Promise<RfsModuleOptionsInput>;
}

export const {
  ConfigurableModuleClass: RfsConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: RFS_MODULE_OPTIONS_INPUT,
  OPTIONS_TYPE: RFS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: RFS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<RfsModuleOptionsInput>({ moduleName: 'Rfs' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createRfsOptions')
  .setExtras<RfsModuleExtras>({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();

/** What `RfsModule.forRoot()` accepts: the options plus `isGlobal`. */
export type RfsModuleForRootOptions = typeof RFS_OPTIONS_TYPE;
/** What `RfsModule.forRootAsync()` accepts (`imports`, `inject`, `useFactory | useClass | useExisting`, `isGlobal`). */
export type RfsModuleAsyncOptions = typeof RFS_ASYNC_OPTIONS_TYPE;
