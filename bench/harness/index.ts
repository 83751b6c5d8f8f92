// The bench harness: `compare` for one comparison, `benchSuite` for several in one file.
export * from './compare';
export * from './report';
export * from './stats';
export * from './options';
