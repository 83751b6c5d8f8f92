/**
 * `npm run demo:traffic`: a bounded burst of mixed traffic against the running sample
 * (`npm start`), so the dashboard fills and the default error-rate alert fires.
 *
 * Environment: `PORT` (default 3000) or `BASE_URL`, `DEMO_REQUESTS` (default 600),
 * `DEMO_CONCURRENCY` (default 8), `DEMO_ALERT_WAIT_S` (how long to wait for the alert after
 * the burst, default 120; 0 skips waiting).
 */
import { Presets, SingleBar } from 'cli-progress';

const BASE = (
  process.env.BASE_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`
).replace(/\/$/, '');
const REQUESTS = positiveInt('DEMO_REQUESTS', 600);
const CONCURRENCY = positiveInt('DEMO_CONCURRENCY', 8);
const ALERT_WAIT_S = positiveInt('DEMO_ALERT_WAIT_S', 120, true);
const DASHBOARD = `${BASE}/rfs/dashboard`;

function positiveInt(name: string, fallback: number, zeroOk = false): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < (zeroOk ? 0 : 1)) {
    console.error(
      `${name} must be an integer ≥ ${zeroOk ? 0 : 1}, got ${JSON.stringify(raw)}`,
    );
    process.exit(2);
  }
  return n;
}

interface Request {
  kind: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

const run = Date.now().toString(36).toUpperCase();
let created = 0;

/** Known order ids (seeded 1–3, plus the ones this run creates). */
const known: number[] = [1, 2, 3];

const pick = <T>(items: readonly T[]): T =>
  items[Math.floor(Math.random() * items.length)];

const newOrder = () => ({
  reference: `DEMO-${run}-${++created}`,
  customer: pick(['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara']),
  amountCents: 100 + Math.floor(Math.random() * 20_000),
});

/** The mix: mostly healthy reads and writes, with 404s, 400s, 409s, 207s and flaky payments. */
const MIX: Array<[weight: number, make: () => Request]> = [
  [30, () => ({ kind: 'get', method: 'GET', path: `/orders/${pick(known)}` })],
  [
    14,
    () => ({
      kind: 'get 404',
      method: 'GET',
      path: `/orders/${900_000 + Math.floor(Math.random() * 1000)}`,
    }),
  ],
  [
    16,
    () => ({
      kind: 'create',
      method: 'POST',
      path: '/orders',
      body: newOrder(),
    }),
  ],
  [
    6,
    () => ({
      kind: 'create 400',
      method: 'POST',
      path: '/orders',
      body: { reference: 'no', amountCents: -1 },
    }),
  ],
  [
    5,
    () => ({
      kind: 'create 409',
      method: 'POST',
      path: '/orders',
      body: { reference: 'SEED-0001', customer: 'Ada', amountCents: 100 },
    }),
  ],
  [
    10,
    () => ({
      kind: 'list',
      method: 'GET',
      path: `/orders?page=${1 + Math.floor(Math.random() * 3)}&size=10`,
    }),
  ],
  [
    6,
    () => ({
      kind: 'batch',
      method: 'POST',
      path: '/orders/batch',
      body: [newOrder(), newOrder(), { reference: '?' }, newOrder()],
    }),
  ],
  [4, () => ({ kind: 'ndjson', method: 'GET', path: '/orders/stream' })],
  [
    3,
    () => ({ kind: 'sse', method: 'GET', path: '/orders/events?ids=1,2,999' }),
  ],
  [
    6,
    () => ({ kind: 'pay', method: 'POST', path: `/orders/${pick(known)}/pay` }),
  ],
];
const TOTAL_WEIGHT = MIX.reduce((s, [w]) => s + w, 0);

function nextRequest(): Request {
  let r = Math.random() * TOTAL_WEIGHT;
  for (const [w, make] of MIX) {
    if ((r -= w) < 0) return make();
  }
  return MIX[0][1]();
}

async function send(req: Request): Promise<number> {
  const res = await fetch(`${BASE}${req.path}`, {
    method: req.method,
    headers:
      req.body === undefined ? {} : { 'content-type': 'application/json' },
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
  });
  const text = await res.text();
  if (req.kind === 'create' && res.status === 201) {
    known.push((JSON.parse(text) as { id: number }).id);
  }
  return res.status;
}

interface DashboardAlert {
  rule: string;
  operation: string;
  status: string;
  value: number;
}

async function activeAlerts(): Promise<DashboardAlert[]> {
  const res = await fetch(DASHBOARD);
  if (!res.ok) return [];
  return ((await res.json()) as { activeAlerts: DashboardAlert[] })
    .activeAlerts;
}

async function main(): Promise<void> {
  try {
    await fetch(`${BASE}/orders?size=1`);
  } catch {
    console.error(
      `No sample app answers at ${BASE}. Start it first: npm start (or set PORT / BASE_URL).`,
    );
    process.exit(1);
  }

  console.log(
    `Sending ${REQUESTS} requests (${CONCURRENCY} at a time) to ${BASE}`,
  );
  const byStatus = new Map<string, number>();
  const bar = new SingleBar(
    {
      format:
        'traffic |{bar}| {value}/{total} requests | {rate} req/s | {statuses}',
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(REQUESTS, 0, { rate: '0', statuses: '' });
  let issued = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (issued < REQUESTS) {
      issued += 1;
      let label: string;
      try {
        label = String(await send(nextRequest()));
      } catch {
        label = 'network error';
      }
      byStatus.set(label, (byStatus.get(label) ?? 0) + 1);
      done += 1;
      bar.update(done, {
        rate: (done / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(
          0,
        ),
        statuses: [...byStatus]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([s, n]) => `${s}:${n}`)
          .join(' '),
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  bar.stop();

  console.log(`\nDashboard: ${DASHBOARD}/ui`);
  if (ALERT_WAIT_S === 0) return;

  // The default rule needs an error rate above 5% for 1 minute (the sample evaluates every 5 s).
  console.log(
    `Waiting up to ${ALERT_WAIT_S}s for rfs_high_error_rate (it must hold for 1m before firing)…`,
  );
  const wait = new SingleBar(
    {
      format: 'alert   |{bar}| {value}s / {total}s | {state}',
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  wait.start(ALERT_WAIT_S, 0, { state: 'pending' });
  const waitStart = Date.now();
  let firing: DashboardAlert[] = [];
  while ((Date.now() - waitStart) / 1000 < ALERT_WAIT_S) {
    firing = (await activeAlerts()).filter(
      (a) => a.rule === 'rfs_high_error_rate',
    );
    const elapsed = Math.min(
      ALERT_WAIT_S,
      Math.round((Date.now() - waitStart) / 1000),
    );
    if (firing.length > 0) {
      wait.update(elapsed, { state: 'firing' });
      break;
    }
    wait.update(elapsed, { state: 'pending' });
    await new Promise((r) => setTimeout(r, 2000));
  }
  wait.stop();
  if (firing.length === 0) {
    console.log(
      'The alert did not fire in time (send more traffic: DEMO_REQUESTS=2000).',
    );
    process.exitCode = 1;
    return;
  }
  console.log('\nFiring:');
  for (const a of firing) {
    console.log(
      `  ${a.rule} on ${a.operation}: error rate ${(a.value * 100).toFixed(1)}%`,
    );
  }
  console.log(`See it on ${DASHBOARD}/ui`);
}

void main();
