export * from './http.options';
