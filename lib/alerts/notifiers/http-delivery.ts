import { AlertDeliveryError } from './alert-notifier';

/**
 * Throws unless `url` is an absolute http(s) URL. `owner` names the notifier in the message,
 * `example` (optional) shows an accepted value.
 */
export function requireHttpUrl(
  owner: string,
  url: string,
  example?: string,
): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    throw new Error(
      `${owner} url must be an absolute http(s) URL${example ? ` such as '${example}'` : ''}, got ${JSON.stringify(url)}`,
    );
}

/**
 * Loads Node's fetch implementation (undici) now. Node compiles it on the first `fetch` call,
 * synchronously: 40–70 ms of blocked event loop measured on a busy 2-core machine, which every
 * request in flight would pay at the moment the first alert is sent. HTTP notifiers call this
 * from their constructor, so the cost moves to startup. `Headers` comes from the same module
 * as `fetch`: creating one loads it, without any network traffic.
 */
export function preloadFetch(): void {
  if (typeof Headers === 'function') new Headers();
}

/** One JSON `POST` of an HTTP notifier. */
export interface AlertPostRequest {
  /** Receiver name at the start of error messages (`'webhook'`, `'Alertmanager'`). */
  readonly label: string;
  readonly url: string;
  /** The JSON text sent. */
  readonly body: string;
  /** Request headers; `content-type: application/json` is added last. */
  readonly headers?: Record<string, string>;
  readonly timeoutMs: number;
}

/**
 * POSTs `request.body` and reads the answer. Resolves `undefined` on a 2xx answer, otherwise
 * with an {@link AlertDeliveryError}: retryable for network errors, timeouts, 5xx, 408 and
 * 429, final for other statuses. Never rejects.
 */
export async function postAlertJson(
  request: AlertPostRequest,
): Promise<AlertDeliveryError | undefined> {
  const { label, url, timeoutMs } = request;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-type': 'application/json' },
      body: request.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const reason =
      err instanceof Error && err.name === 'TimeoutError'
        ? `timed out after ${timeoutMs} ms`
        : err instanceof Error
          ? `${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}`
          : String(err);
    return new AlertDeliveryError(`${label} ${url}: ${reason}`);
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return undefined;
  return new AlertDeliveryError(
    `${label} ${url} answered HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
    res.status >= 500 || res.status === 408 || res.status === 429,
  );
}
