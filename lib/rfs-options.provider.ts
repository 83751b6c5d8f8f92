import { Inject, type Provider } from '@nestjs/common';
import { RFS_MODULE_OPTIONS_INPUT } from './rfs.module-definition';
import {
  type RfsModuleOptionsInput,
  RfsModuleOptions,
  resolveRfsOptions,
} from './rfs.options';

const RFS_OPTIONS = Symbol('rfs:options');

/** Returns the injection token of the resolved {@link RfsModuleOptions}. */
export function getRfsOptionsToken(): symbol {
  return RFS_OPTIONS;
}

/**
 * Injects the resolved {@link RfsModuleOptions} (defaults merged, validated).
 * @example constructor(@InjectRfsOptions() private readonly options: RfsModuleOptions) {}
 */
export const InjectRfsOptions = (): PropertyDecorator & ParameterDecorator =>
  Inject(RFS_OPTIONS);

/** Validates the user's options at bootstrap: a bad value stops startup with a clear error. */
export const rfsOptionsProvider: Provider<RfsModuleOptions> = {
  provide: RFS_OPTIONS,
  useFactory: (input: RfsModuleOptionsInput) => resolveRfsOptions(input),
  inject: [RFS_MODULE_OPTIONS_INPUT],
};
