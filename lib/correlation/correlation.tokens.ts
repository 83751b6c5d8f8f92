/** Token of the response header name (`correlation.responseHeader`, `false` when off). */
export const CORRELATION_RESPONSE_HEADER = Symbol(
  'rfs:correlation-response-header',
);
