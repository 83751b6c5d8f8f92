import * as http from 'node:http';
import * as https from 'node:https';
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
 * The receiver as delivery errors name it: scheme, host and port only. Webhook URLs often carry
 * a secret in the path (`https://hooks.slack.com/services/…`) or credentials, and delivery
 * errors end up in logs and alert history.
 */
export function shownTarget(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid url)';
  }
}

/** The longest delay `setTimeout` waits for (a longer one fires after 1 ms). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The `timeoutMs` option of an HTTP notifier (`fallback` when unset); throws unless it is a
 * positive number of milliseconds `setTimeout` can wait for (NaN, ≤ 0 or over 2^31-1 would make
 * every POST time out after 1 ms). `owner` names the notifier in the message.
 */
export function requireTimeoutMs(
  owner: string,
  value: number | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0 && value <= MAX_TIMEOUT_MS))
    throw new Error(
      `${owner} timeoutMs must be a positive number of milliseconds up to ${MAX_TIMEOUT_MS}, got ${String(value)}`,
    );
  return value;
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

// Keep-alive connections shared by the notifiers (idle sockets are unref'd by Node: they never
// keep the process alive).
const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/** Bytes of an error answer quoted in the delivery error. */
const QUOTED_BYTES = 200;

/**
 * POSTs `request.body` and reads the answer. Resolves `undefined` on a 2xx answer, otherwise
 * with an {@link AlertDeliveryError}: retryable for network errors, timeouts, 5xx, 408 and
 * 429, final for other statuses (redirects included: a POST is not re-sent elsewhere). Never
 * rejects.
 *
 * Uses `node:http(s)` rather than `fetch`, because delivery runs on the application's event
 * loop: Node compiles its fetch implementation (undici) on first use, a 45–65 ms stall when the
 * first alert of a process goes out, and a fetch POST cost about 3 times the CPU of an
 * `http.request` one here (1.6–2.0 ms against 0.5–0.7 ms, local receiver included).
 */
export function postAlertJson(
  request: AlertPostRequest,
): Promise<AlertDeliveryError | undefined> {
  const { label, url, timeoutMs } = request;
  const shown = shownTarget(url);
  return new Promise((resolve) => {
    let settled = false;
    let req: http.ClientRequest | undefined;
    const done = (failure?: AlertDeliveryError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(failure);
    };
    const fail = (reason: string): void =>
      done(new AlertDeliveryError(`${label} ${shown}: ${reason}`));
    const timer = setTimeout(() => {
      fail(`timed out after ${timeoutMs} ms`);
      req?.destroy();
    }, timeoutMs);
    timer.unref();
    try {
      const target = new URL(url);
      const body = Buffer.from(request.body);
      const send = target.protocol === 'https:' ? https.request : http.request;
      req = send(
        target,
        {
          method: 'POST',
          agent: agents[target.protocol === 'https:' ? 'https:' : 'http:'],
          headers: {
            ...request.headers,
            'content-type': 'application/json',
            'content-length': body.length,
          },
        },
        (res) => {
          const quoted: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            if (size < QUOTED_BYTES) {
              quoted.push(chunk);
              size += chunk.length;
            }
          });
          res.on('error', (err) => fail(describeNetworkError(err)));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return done();
            const text = Buffer.concat(quoted)
              .toString('utf8')
              .slice(0, QUOTED_BYTES);
            done(
              new AlertDeliveryError(
                `${label} ${shown} answered HTTP ${status}${text ? `: ${text}` : ''}`,
                status >= 500 || status === 408 || status === 429,
              ),
            );
          });
        },
      );
      req.on('error', (err) => fail(describeNetworkError(err)));
      req.end(body);
    } catch (err) {
      fail(describeNetworkError(err));
    }
  });
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  return code && !err.message.includes(code)
    ? `${err.message} (${code})`
    : err.message;
}
