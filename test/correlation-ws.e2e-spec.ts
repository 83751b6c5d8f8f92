import {
  type INestApplication,
  Injectable,
  Module,
  UseInterceptors,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import {
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type WsResponse,
} from '@nestjs/websockets';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import {
  CorrelationContext,
  CorrelationInterceptor,
  CorrelationRejections,
  CorrelationService,
  RfsModule,
  WithCorrelation,
} from 'nestjs-rfs';
import { HTTP_ADAPTERS } from './support/http-adapters';

const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** What the gateway saw while handling one message. */
interface Seen {
  tag: string;
  /** CorrelationContext.getId() when the handler started. */
  atStart?: string;
  /** CorrelationContext.getId() after the handler awaited (other messages ran meanwhile). */
  afterAwait?: string;
  /** The injectable service's view. */
  service?: string;
  /** A @WithCorrelation provider called from the handler (keeps the active id). */
  job?: string;
  /** The request-scoped field `tag` when the handler started (a new context has none). */
  fieldAtStart?: unknown;
  /** The field `tag` after the await (this handler set it to its own tag). */
  field?: unknown;
}

/**
 * Holds every `whoami` handler at an await until the test opens the gate, so the handlers of
 * all in-flight messages are suspended at the same time and resume interleaved.
 */
class Gate {
  private open!: () => void;
  private opened = Promise.resolve();
  private arrivedCount = 0;
  private waiters: Array<{ n: number; resolve: () => void }> = [];

  close(): void {
    this.arrivedCount = 0;
    this.opened = new Promise((r) => (this.open = r));
  }

  release(): void {
    this.open?.();
  }

  async pass(): Promise<void> {
    this.arrivedCount += 1;
    for (const w of this.waiters.filter((w) => w.n <= this.arrivedCount)) {
      w.resolve();
    }
    this.waiters = this.waiters.filter((w) => w.n > this.arrivedCount);
    await this.opened;
  }

  /** Resolves once `n` handlers are waiting at the gate. */
  arrived(n: number): Promise<void> {
    if (this.arrivedCount >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}

const gate = new Gate();

@Injectable()
class Jobs {
  @WithCorrelation()
  run(): string | undefined {
    return CorrelationContext.getId();
  }
}

// The way users apply it in an HTTP app (RfsModule registers it globally only in apps without
// an HTTP adapter): on the gateway, in a feature module that does not import RfsModule itself.
@WebSocketGateway({ path: '/corr' })
@UseInterceptors(CorrelationInterceptor)
class CorrelationGateway {
  constructor(
    private readonly correlation: CorrelationService,
    private readonly jobs: Jobs,
  ) {}

  @SubscribeMessage('whoami')
  async whoami(
    @MessageBody() body: { tag: string },
  ): Promise<WsResponse<Seen>> {
    const atStart = CorrelationContext.getId();
    const fieldAtStart = this.correlation.get('tag');
    this.correlation.set('tag', body.tag);
    await gate.pass();
    await new Promise((r) => setImmediate(r));
    return {
      event: 'whoami',
      data: {
        tag: body.tag,
        atStart,
        afterAwait: CorrelationContext.getId(),
        service: this.correlation.getId(),
        job: this.jobs.run(),
        fieldAtStart: fieldAtStart ?? null,
        field: this.correlation.get('tag'),
      },
    };
  }
}

@Module({ providers: [CorrelationGateway, Jobs] })
class GatewayModule {}

@Module({
  // Result logging is not under test here (it would need nestjs-pino's LoggerModule).
  imports: [RfsModule.forRoot({ logging: false }), GatewayModule],
})
class AppModule {}

/** A real WebSocket client that matches replies to requests by `tag`. */
class Client {
  private readonly pending = new Map<string, (seen: Seen) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw: WebSocket.RawData) => {
      const msg = JSON.parse(raw.toString()) as { event: string; data: Seen };
      this.pending.get(msg.data.tag)?.(msg.data);
      this.pending.delete(msg.data.tag);
    });
  }

  static open(url: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(new Client(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends `whoami` with `data` (plus the tag) and resolves with the gateway's reply. */
  whoami(tag: string, data: Record<string, unknown> = {}): Promise<Seen> {
    return new Promise((resolve) => {
      this.pending.set(tag, resolve);
      this.socket.send(
        JSON.stringify({ event: 'whoami', data: { ...data, tag } }),
      );
    });
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

describe.each(HTTP_ADAPTERS)(
  'correlation for a ws gateway (WsAdapter on %s)',
  (_name, adapter) => {
    let app: INestApplication;
    let url: string;
    const clients: Client[] = [];

    async function client(): Promise<Client> {
      const c = await Client.open(url);
      clients.push(c);
      return c;
    }

    beforeAll(async () => {
      app = await NestFactory.create(AppModule, adapter(), { logger: false });
      app.useWebSocketAdapter(new WsAdapter(app));
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      url = `ws://127.0.0.1:${port}/corr`;
    });
    beforeEach(() => gate.release());
    afterEach(async () => {
      gate.release();
      await Promise.all(clients.splice(0).map((c) => c.close()));
    });
    afterAll(() => app.close());

    it('gives the handler the message correlationId, kept across awaits and in the reply', async () => {
      const c = await client();
      const seen = await c.whoami('one', { correlationId: 'ws-abc-1' });
      expect(seen).toEqual({
        tag: 'one',
        atStart: 'ws-abc-1',
        afterAwait: 'ws-abc-1',
        service: 'ws-abc-1',
        job: 'ws-abc-1',
        fieldAtStart: null,
        field: 'one',
      });
    });

    it('reads the id from data.headers without a correlationId field; the field wins', async () => {
      const c = await client();
      const fromHeaders = await c.whoami('hdr', {
        headers: { 'x-request-id': 'ws-req-1' },
      });
      expect(fromHeaders.afterAwait).toBe('ws-req-1');
      const both = await c.whoami('both', {
        correlationId: 'ws-field-1',
        headers: { 'x-correlation-id': 'ws-hdr-1' },
      });
      expect(both.afterAwait).toBe('ws-field-1');
    });

    it('generates a fresh id per message without one; each message starts with empty fields', async () => {
      const c = await client();
      const a = await c.whoami('a');
      const b = await c.whoami('b');
      for (const seen of [a, b]) {
        expect(seen.atStart).toMatch(UUID);
        expect(seen.afterAwait).toBe(seen.atStart);
        expect(seen.service).toBe(seen.atStart);
        expect(seen.job).toBe(seen.atStart);
      }
      expect(a.atStart).not.toBe(b.atStart);
      // a context shared between the connection's messages would show 'a' here
      expect(b.fieldAtStart).toBeNull();
      expect(b.field).toBe('b');
    });

    it('replaces an invalid correlationId by a fresh id and counts it', async () => {
      const c = await client();
      const before = CorrelationRejections.count();
      const seen = await c.whoami('bad', { correlationId: 'x\r\ny z' });
      expect(seen.afterAwait).toMatch(UUID);
      expect(CorrelationRejections.count()).toBe(before + 1);
    });

    it('never lets two concurrent clients see each other’s ids', async () => {
      const [c1, c2] = await Promise.all([client(), client()]);
      const perClient = 20;
      gate.close();
      const replies: Array<Promise<Seen>> = [];
      const sent: Array<string | undefined> = [];
      for (let i = 0; i < perClient; i++) {
        // alternate clients, and messages with and without an id
        const withId = i % 4 !== 3;
        for (const [name, c] of [
          ['c1', c1],
          ['c2', c2],
        ] as const) {
          const id = withId ? `${name}-msg-${i}` : undefined;
          sent.push(id);
          replies.push(
            c.whoami(`${name}-${i}`, id ? { correlationId: id } : {}),
          );
        }
      }
      // every handler is suspended at the gate before any of them resumes
      await gate.arrived(perClient * 2);
      gate.release();
      const seen = await Promise.all(replies);

      const generated = new Set<string>();
      seen.forEach((s, i) => {
        const expected = sent[i] ?? s.atStart;
        if (sent[i] === undefined) {
          expect(s.atStart).toMatch(UUID);
          generated.add(s.atStart!);
        }
        expect(s).toEqual({
          tag: s.tag,
          atStart: expected,
          afterAwait: expected,
          service: expected,
          job: expected,
          fieldAtStart: null,
          field: s.tag,
        });
      });
      expect(seen.map((s) => s.tag)).toEqual(
        replies.map((_, i) => `${i % 2 === 0 ? 'c1' : 'c2'}-${i >> 1}`),
      );
      // generated ids are fresh per message, never shared between clients or messages
      expect(generated.size).toBe(sent.filter((id) => !id).length);
    });
  },
);
