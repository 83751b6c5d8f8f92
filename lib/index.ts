// Public barrel of `nestjs-rfs`. Each folder has its own index; this file only re-exports.
export * from './result';
export * from './operations';
export * from './rfs.constants';
export * from './rfs.clock';
export * from './rfs.options';
export * from './rfs.options-errors';
export * from './rfs-options.provider';
export * from './rfs.module';
export type {
  RfsModuleExtras,
  RfsOptionsFactory,
  RfsModuleForRootOptions,
  RfsModuleAsyncOptions,
} from './rfs.module-definition';
export * from './correlation';
export * from './http';
export * from './logging';
export * from './metrics';
export * from './alerts';
export * from './dashboard';
