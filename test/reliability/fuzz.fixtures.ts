// Shared parts of the fuzz specs: the app under fuzzing, its log sink and a raw HTTP client.
import {
  Controller,
  Get,
  type INestApplication,
  Module,
  type Type,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type AddressInfo, connect } from 'node:net';
import { ok } from 'nestjs-rfs';
import { type HttpPlatform, httpAdapter } from '../support/http-adapters';

/** What the next GET /fuzz/throw throws. */
let nextThrow: () => unknown = () => undefined;

/** Sets what the next GET /fuzz/throw throws. */
export function setNextThrow(make: () => unknown): void {
  nextThrow = make;
}

/** GET /fuzz/ok answers Ok; GET /fuzz/throw throws what {@link setNextThrow} set. */
@Controller('fuzz')
export class FuzzController {
  @Get('ok')
  ok() {
    return ok({ ok: true });
  }

  @Get('throw')
  throw(): never {
    throw nextThrow();
  }
}

/** A pino destination that keeps every line, parsed. */
export class LineSink {
  lines: Record<string, unknown>[] = [];
  write(chunk: string): void {
    this.lines.push(JSON.parse(chunk) as Record<string, unknown>);
  }
}

/** Starts a testing-module app of `imports` on `adapter`, listening on 127.0.0.1. The caller closes it. */
export async function startFuzzApp(
  adapter: HttpPlatform,
  imports: NonNullable<Parameters<typeof Module>[0]>['imports'],
  controllers: Type[] = [FuzzController],
): Promise<{ app: INestApplication; port: number }> {
  const moduleRef = await Test.createTestingModule({
    imports,
    controllers,
  }).compile();
  const app = moduleRef.createNestApplication(httpAdapter(adapter), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  return {
    app,
    port: (app.getHttpServer().address() as AddressInfo).port,
  };
}

/** Status, headers (lower-case names) and body of a raw reply. */
export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One HTTP/1.1 request written byte for byte (header values are not checked client-side). */
export function rawGet(
  port: number,
  path: string,
  headerLines: Buffer[] = [],
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: rest.join('\r\n\r\n'),
      });
    });
    socket.write(
      Buffer.concat([
        Buffer.from(
          `GET ${path} HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n`,
        ),
        ...headerLines.flatMap((h) => [h, Buffer.from('\r\n')]),
        Buffer.from('\r\n'),
      ]),
    );
  });
}
