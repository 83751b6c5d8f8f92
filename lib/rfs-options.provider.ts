import { Inject, type Provider } from '@nestjs/common';
import { RFS_MODULE_OPTIONS_INPUT } from './rfs.module-definition';
import {
  type RfsModuleOptionsInput,
  RfsModuleOptions,
  resolveRfsOptions,
} from './rfs.options';
import { RfsOptionsError } from './rfs.options-errors';

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
  useFactory: (input: RfsModuleOptionsInput | undefined) => {
    if (input === undefined) {
      // The bare class was imported (or an async factory returned nothing): without this,
      // Nest's "can't resolve dependencies of Symbol(rfs:options)" leaves users guessing.
      throw new RfsOptionsError([
        'RfsModule has no options: import it as RfsModule.forRoot(options) or ' +
          'RfsModule.forRootAsync({ useFactory | useClass | useExisting }) (whose factory must return ' +
          'an options object), once, in the root module. It is global, so other modules use its ' +
          'providers without importing RfsModule',
      ]);
    }
    return resolveRfsOptions(input);
  },
  inject: [{ token: RFS_MODULE_OPTIONS_INPUT, optional: true }],
};
