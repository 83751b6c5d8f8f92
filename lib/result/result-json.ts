/** JSON form of an error that was an `Error` instance. */
export interface ErrorJson {
  name: string;
  code?: string;
  message: string;
  details?: unknown;
}

/** JSON form of a Result: `{ ok: true, value }` or `{ ok: false, error }`. */
export type ResultJson<T, E = never> =
  { ok: true; value: T } | { ok: false; error: E | ErrorJson };

/** Flattens an `Error` to `{ name, code?, message, details? }`; other values pass through. */
export function toErrorJson(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const e = error as Error & { code?: unknown; details?: unknown };
  const out: ErrorJson = { name: e.name, message: e.message };
  if (typeof e.code === 'string') out.code = e.code;
  if (e.details !== undefined) out.details = e.details;
  return out;
}
