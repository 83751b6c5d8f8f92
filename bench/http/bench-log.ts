// The log destination of the bench apps. By default pino's own (stdout, SonicBoom with its
// 16 KB maxWrite), as users get it. Profiling aid: BENCH_LOG_MAXWRITE=1048576 gives every
// app that logs the same destination with a larger maxWrite, to separate what a stack costs
// from the writer's backlog at saturation (see bench/README.md).
import type { Params } from 'nestjs-pino';
import pino from 'pino';
import type { Options } from 'pino-http';

/** `pinoHttp` for LoggerModule.forRoot: `options` alone, or with the BENCH_LOG_MAXWRITE stream. */
export function benchPinoHttp(options: Options = {}): Params['pinoHttp'] {
  const maxWrite = Number(process.env.BENCH_LOG_MAXWRITE ?? 0);
  if (!(maxWrite > 0)) return options;
  return [options, pino.destination({ dest: 1, sync: false, maxWrite })];
}
