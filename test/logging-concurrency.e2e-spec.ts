// Result logging under load: 2,000 concurrent requests each keep their own correlation id on
// every line, on Express and Fastify, both module import orders.
import { Agent } from 'node:http';
import type { LogLine } from './support/memory-log.stream';
import {
  getLogged,
  requestNumberOf,
  describeEachLoggingApp,
} from './support/logging-app.fixtures';

describeEachLoggingApp((running) => {
  const { stream } = running;

  it('2,000 concurrent requests: every line carries its own request id', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 256 });
    const total = 2000;
    try {
      const replies = await Promise.all(
        Array.from({ length: total }, (_, i) =>
          getLogged(running.port, `/orders/${i + 1}`, {}, agent),
        ),
      );
      expect(new Set(replies.map((r) => r.id)).size).toBe(total);
      // every line written inside a request names the request (url, n or args)
      const inRequest = stream.lines.filter(
        (l) => l.req !== undefined || typeof l.operation === 'string',
      );
      // user line, orders.find, and "request completed" carrying orders.get (the default
      // resultLine 'merge': one pino-http line per request with the handler's Result fields)
      expect(inRequest.length).toBeGreaterThanOrEqual(total * 3);
      expect(
        inRequest.filter((l) => typeof l.correlationId !== 'string'),
      ).toEqual([]);
      // group the lines by the request they name (url, logged n, or the decorated method's args)
      const byRequest = new Map<number, LogLine[]>();
      for (const l of stream.lines) {
        const n = requestNumberOf(l);
        if (n === undefined) continue;
        const list = byRequest.get(n) ?? [];
        list.push(l);
        byRequest.set(n, list);
      }
      const problems: string[] = [];
      let checked = 0;
      for (let i = 0; i < total; i++) {
        const lines = byRequest.get(i + 1) ?? [];
        // exactly these lines: no second line for the handler's Result
        const kinds = lines.map((l) =>
          l.msg === 'request completed'
            ? `request completed + ${String(l.operation)}`
            : String(l.operation ?? l.msg),
        );
        const got = kinds.sort().join(', ');
        const want = 'orders.find, request completed + orders.get, user line';
        if (got !== want) problems.push(`request ${i + 1}: lines ${got}`);
        for (const l of lines) {
          if (l.correlationId !== replies[i].id) {
            problems.push(
              `request ${i + 1}: a "${String(l.operation ?? l.msg)}" line has correlationId ${String(l.correlationId)}, response header ${replies[i].id}`,
            );
          }
          checked++;
        }
      }
      expect(problems.slice(0, 5)).toEqual([]);
      expect(checked).toBeGreaterThanOrEqual(total * 3);
    } finally {
      agent.destroy();
    }
  }, 60_000);
});
