// Child process of the HTTP bench: `node --require bench/harness/register.js http-server.ts
// <variant> <express|fastify>`. Starts one app on 127.0.0.1 (free port), reports
// `{ port }` over IPC, answers `'memory'` messages with process.memoryUsage(), and closes the
// app when the parent disconnects or sends SIGTERM.
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { RfsModuleOptionsInput } from 'nestjs-rfs';
import { serveAsBenchChild } from './bench-child.protocol';
import { benchAppModule, VARIANTS, type Variant } from './http-apps';

export type { ServerMessage } from './bench-child.protocol';

async function main(): Promise<void> {
  const [variant, adapter] = process.argv.slice(2);
  if (!VARIANTS.includes(variant as Variant))
    throw new Error(`variant must be one of ${VARIANTS.join(', ')}`);
  if (adapter !== 'express' && adapter !== 'fastify')
    throw new Error('adapter must be express or fastify');
  // Profiling aid: RfsModule options of the nestjs-rfs variant as JSON (e.g. '{"metrics":false}').
  const rfsOptions = process.env.BENCH_RFS_OPTIONS
    ? (JSON.parse(process.env.BENCH_RFS_OPTIONS) as RfsModuleOptionsInput)
    : undefined;
  const app: INestApplication = await NestFactory.create(
    benchAppModule(variant as Variant, rfsOptions),
    adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger: false },
  );
  await serveAsBenchChild(app);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
