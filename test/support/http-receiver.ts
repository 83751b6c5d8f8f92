import { createServer } from 'node:http';

/** A request seen by {@link startReceiver}. */
export interface ReceivedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * A local HTTP receiver (webhook target). `respond` decides per request: a status code, or
 * `'hang'` to never answer. Listens on `port` when given (to start refusing → accepting).
 */
export async function startReceiver(
  respond: (req: ReceivedRequest) => number | 'hang' = () => 200,
  port = 0,
): Promise<{
  url: string;
  port: number;
  received: ReceivedRequest[];
  close(): Promise<void>;
}> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      const r: ReceivedRequest = {
        path: req.url ?? '',
        headers: req.headers,
        body: data ? (JSON.parse(data) as unknown) : undefined,
      };
      received.push(r);
      const answer = respond(r);
      if (answer === 'hang') return;
      res.statusCode = answer;
      res.end();
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(port, '127.0.0.1', resolve),
  );
  const actual = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
