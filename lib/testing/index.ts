// Public entry `nestjs-rfs/testing`: runner-agnostic (no Jest import). Jest matchers live in
// `nestjs-rfs/testing/jest`.
export * from './rfs-assertion.error';
export * from './result.assertions';
export * from './mock.types';
export * from './result-service.mocker';
export * from './mock-result-service';
export * from './seeded-random';
export * from './result-test-data.factory';
export * from './performance-test.helper';
export * from './mono-result.assertions';
export * from './flux-result.assertions';
export * from './rfs-test.clock';
export * from './rfs-log.capture';
export * from './recording-alert.notifier';
export * from './telemetry.assertions';
export * from './rfs-testing.module';
export * from './result-test-context';
export * from './rfs-test-doubles';
