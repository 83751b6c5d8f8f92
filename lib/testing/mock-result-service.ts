import type { ServiceClass } from './mock.types';
import { ResultServiceMocker } from './result-service.mocker';

/**
 * A typed mock of every method of `serviceClass`, for
 * `Test.createTestingModule(...).overrideProvider(ServiceClass).useValue(mock)`. Configure it in
 * `configure` or later through `ResultServiceMocker.of(mock)`.
 *
 * @example
 * ```ts
 * const users = mockResultService(UsersService, (m) => m.returnsOk('find', user));
 * const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
 *   .overrideProvider(UsersService).useValue(users).compile();
 * ResultServiceMocker.of(users).assertCalledOnce('find');
 * ```
 */
export function mockResultService<T extends object>(
  serviceClass: ServiceClass<T>,
  configure?: (mocker: ResultServiceMocker<T>) => unknown,
): T {
  const mocker = new ResultServiceMocker(serviceClass);
  configure?.(mocker);
  return mocker.instance;
}
