import type { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/** The HTTP platforms every e2e spec runs on. */
export type HttpPlatform = 'express' | 'fastify';

/** Every {@link HttpPlatform}: `describe.each(HTTP_PLATFORMS)('… on %s', (platform) => …)`. */
export const HTTP_PLATFORMS = ['express', 'fastify'] as const;

/** A new adapter of `platform` (an adapter serves one app only). */
export function httpAdapter(platform: HttpPlatform): AbstractHttpAdapter {
  return platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
}

/**
 * Each platform's name and adapter factory:
 * `describe.each(HTTP_ADAPTERS)('… (%s)', (_name, makeAdapter) => …)`.
 */
export const HTTP_ADAPTERS: [HttpPlatform, () => AbstractHttpAdapter][] =
  HTTP_PLATFORMS.map((platform) => [platform, () => httpAdapter(platform)]);
