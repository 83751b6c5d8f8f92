// `lib/result` imports nothing from Nest: the core types are usable anywhere.
export * from './result';
export * from './result-json';
export * from './result-unwrap.error';
export * from './error-code';
export * from './rfs.error';
export * from './outcome';
export * from './result-log-sink';
export * from './mono-result';
export {
  setAmbientSignalProvider,
  type AmbientSignalProvider,
  type LazyAbortSignal,
} from './mono-result.ambient-signal';
export * from './flux-result';
export * from './result-operators';
