import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { RfsModuleOptionsInput } from './rfs.options';

/** Extras of `RfsModule.forRoot/forRootAsync` that are not options of the library itself. */
export interface RfsModuleExtras {
  /** Register the module globally (default true). */
  isGlobal: boolean;
}

export const {
  ConfigurableModuleClass: RfsConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: RFS_MODULE_OPTIONS_INPUT,
  OPTIONS_TYPE: RFS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: RFS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<RfsModuleOptionsInput>({ moduleName: 'Rfs' })
  .setClassMethodName('forRoot')
  .setExtras<RfsModuleExtras>({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
