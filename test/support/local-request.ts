import {
  request as httpRequest,
  type Agent,
  type IncomingHttpHeaders,
} from 'node:http';

/** What {@link localRequest} resolves with. */
export interface LocalReply {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body read as UTF-8. */
  body: string;
}

/** Options of {@link localRequest}. */
export interface LocalRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Connection pool (default Node's global agent). */
  agent?: Agent;
}

/**
 * One HTTP request to `127.0.0.1:port` through Node's own client, which sends the headers
 * exactly as given (fetch adds and normalises some).
 */
export function localRequest(
  port: number,
  path: string,
  options: LocalRequestOptions = {},
): Promise<LocalReply> {
  const { method = 'GET', headers = {}, body, agent } = options;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method, headers, agent },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: data,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
