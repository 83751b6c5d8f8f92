// Resident memory under HTTP load: the sample app (everything on: nestjs-pino, Prometheus,
// RfsModule metrics/alerts/dashboard, SQLite), next to the HTTP bench's nestjs-pino-only and
// nestjs-rfs apps (bench/http/http-apps.ts). Each app runs alone in a child process; RSS and
// heap are sampled every 250 ms while autocannon (50 connections) drives it.
// Writes bench/results/sample-rss.json and .md. BENCH_QUICK=1: 2 s of load instead of 10 s.
import autocannon from 'autocannon';
import { join } from 'node:path';
import { machineInfo, writeResults } from '../harness';
import { type ServerProcess, startServer } from '../http/http-load';

const quick = process.env.BENCH_QUICK === '1';
const LOAD_S = quick ? 2 : 10;
const MB = 1024 * 1024;

interface App {
  name: string;
  start(): Promise<ServerProcess>;
  paths: string[];
}

const httpServer = join(__dirname, '..', 'http', 'http-server.ts');
const APPS: App[] = [
  {
    name: 'sample app (orders: nestjs-pino, Prometheus, RfsModule with metrics, alerts, dashboard; SQLite)',
    start: () =>
      startServer('sample', join(__dirname, 'sample-server.ts'), [], {
        ...process.env,
        DB_PATH: ':memory:',
        LOG_LEVEL: 'info',
      }),
    paths: [
      '/orders/1',
      '/orders/2',
      '/orders/3',
      '/orders/99999', // 404
      '/orders/abc', // 400
      '/orders?page=1&size=5',
    ],
  },
  {
    name: 'bench app: Nest + nestjs-pino',
    start: () =>
      startServer('nestjs-pino', httpServer, ['nestjs-pino', 'express']),
    paths: ['/orders/ord-42'],
  },
  {
    name: 'bench app: Nest + nestjs-rfs',
    start: () =>
      startServer('nestjs-rfs', httpServer, ['nestjs-rfs', 'express']),
    paths: ['/orders/ord-42'],
  },
];

interface RssReport {
  app: string;
  idleRssMb: number;
  peakRssMb: number;
  endRssMb: number;
  peakHeapUsedMb: number;
  requests: number;
  requestsPerSecond: number;
  non2xx: number;
}

async function measure(app: App): Promise<RssReport> {
  const server = await app.start();
  try {
    await new Promise((r) => setTimeout(r, 500));
    const idle = (await server.usage()).memory;
    let peakRss = idle.rss;
    let peakHeap = idle.heapUsed;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const m = (await server.usage()).memory;
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const result = await autocannon({
      url: server.url,
      connections: 50,
      duration: LOAD_S,
      requests: app.paths.map((path) => ({ method: 'GET' as const, path })),
    });
    sampling = false;
    await sampler;
    const end = (await server.usage()).memory;
    const total = result['2xx'] + result.non2xx;
    return {
      app: app.name,
      idleRssMb: idle.rss / MB,
      peakRssMb: Math.max(peakRss, end.rss) / MB,
      endRssMb: end.rss / MB,
      peakHeapUsedMb: peakHeap / MB,
      requests: total,
      requestsPerSecond: total / result.duration,
      non2xx: result.non2xx,
    };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const date = new Date().toISOString();
  const machine = machineInfo();
  const results: RssReport[] = [];
  for (const app of APPS) results.push(await measure(app));
  const mb = (x: number) => `${x.toFixed(1)} MB`;
  const md = [
    '# Resident memory under HTTP load',
    '',
    `Each app alone in a child process (logs to /dev/null); autocannon, 50 connections, ${LOAD_S} s; RSS and heap sampled every 250 ms. The sample's requests cycle through found, 404, 400 and page reads (non-2xx are expected there). Every process also holds the bench harness's in-memory TypeScript compiler (@swc/core, the same for all): compare the apps with each other, not with a built app.`,
    '',
    `- Date: ${date}`,
    `- Node ${machine.node} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB; load average ${machine.loadAverage} at start`,
    '',
    '| app | RSS idle | RSS peak under load | RSS after load | heap used peak | requests | req/s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.app} | ${mb(r.idleRssMb)} | ${mb(r.peakRssMb)} | ${mb(r.endRssMb)} | ${mb(r.peakHeapUsedMb)} | ${r.requests} | ${r.requestsPerSecond.toFixed(0)} |`,
    ),
    '',
  ].join('\n');
  writeResults('sample-rss', md, {
    date,
    machine,
    loadSeconds: LOAD_S,
    results,
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
