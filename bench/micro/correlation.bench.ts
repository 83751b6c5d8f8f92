// Per-request cost of the correlation middleware vs the least a hand-written one does (anchor:
// read the header, test the pattern, set the response header, one AsyncLocalStorage.run) and
// vs nestjs-cls's ClsMiddleware configured for the same job, measured in one run. Each call
// builds a fresh request object and resolves when `next()` runs inside the context.
import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { ClsMiddleware, ClsModule, ClsServiceManager } from 'nestjs-cls';
import { CorrelationContext } from '../../lib/correlation/correlation-context';
import { CorrelationIdResolver } from '../../lib/correlation/correlation-id.resolver';
import { CorrelationMiddleware } from '../../lib/correlation/correlation.middleware';
import { benchSuite } from '../harness';

const HEADER = 'x-correlation-id';
const ids = Array.from({ length: 1024 }, (_, k) => `req-${k}-abcdef`);
let i = 0;
const nextId = (): string => ids[i++ & 1023];

const res = {
  headersSent: false,
  last: '',
  setHeader(_name: string, value: string): unknown {
    res.last = value;
    return res;
  },
};
const response = res as unknown as ServerResponse;

function request(withId: boolean): IncomingMessage {
  return {
    headers: withId
      ? { host: 'x', accept: '*/*', [HEADER]: nextId() }
      : { host: 'x', accept: '*/*' },
  } as unknown as IncomingMessage;
}

// --- anchor: the minimum by hand
const PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const handStorage = new AsyncLocalStorage<{
  id: string;
  fields: Map<string, unknown>;
}>();
function handWritten(
  req: IncomingMessage,
  response: ServerResponse,
  next: () => void,
): void {
  const h = req.headers[HEADER];
  const id = typeof h === 'string' && PATTERN.test(h) ? h : randomUUID();
  response.setHeader(HEADER, id);
  handStorage.run({ id, fields: new Map() }, next);
}

// --- nestjs-rfs
const rfs = new CorrelationMiddleware(new CorrelationIdResolver(), HEADER);

// --- nestjs-cls, configured to do the same
const cls = new ClsMiddleware({
  generateId: true,
  idGenerator: (req: IncomingMessage) => {
    const h = req.headers[HEADER];
    return typeof h === 'string' && PATTERN.test(h) ? h : randomUUID();
  },
  setup: (service, _req, response: ServerResponse) => {
    response.setHeader(HEADER, service.getId());
  },
});

type Mw = (
  req: IncomingMessage,
  res: ServerResponse,
  next: () => void,
) => unknown;

function through(
  mw: Mw,
  withId: boolean,
  read: () => unknown,
): Promise<unknown> {
  return new Promise((resolve) => {
    mw(request(withId), response, () => resolve(read()));
  });
}

const handUse: Mw = handWritten;
const rfsUse: Mw = (q, s, n) => rfs.use(q, s, n);
const clsUse: Mw = (q, s, n) => cls.use(q, s, n);
const readHand = (): unknown => handStorage.getStore()?.id;
const readRfs = (): unknown => CorrelationContext.getId();
const clsService = ClsServiceManager.getClsService();
const readCls = (): unknown => clsService.getId();

async function check(): Promise<void> {
  // ClsMiddleware needs nestjs-cls's plugin host, which its module creates on init.
  const ctx = await NestFactory.createApplicationContext(
    ClsModule.forRoot({ global: true }),
    { logger: false },
  );
  await ctx.init();
  for (const [name, mw, read] of [
    ['hand', handUse, readHand],
    ['rfs', rfsUse, readRfs],
    ['cls', clsUse, readCls],
  ] as const) {
    const before = i;
    const id = await through(mw, true, read);
    if (id !== ids[before & 1023] || res.last !== id)
      throw new Error(`${name}: id not in context or not echoed`);
  }
}

const ANCHOR = 'hand-written minimum';

void check().then(() =>
  benchSuite({
    name: 'correlation',
    title: 'Correlation middleware per-request cost',
    description:
      'One request through the middleware until next() runs inside the context: resolve the id from the headers, set the response header, one AsyncLocalStorage.run. Anchor: the hand-written minimum (header read, regex, setHeader, ALS.run with { id, fields }). nestjs-cls ClsMiddleware configured for the same job is shown for reference. Goal: CorrelationMiddleware ≤ 1.3× the anchor.',
    anchor: ANCHOR,
    goals: { CorrelationMiddleware: 1.3 },
    comparisons: {
      'valid incoming id': {
        [ANCHOR]: () => through(handUse, true, readHand),
        CorrelationMiddleware: () => through(rfsUse, true, readRfs),
        'nestjs-cls ClsMiddleware': () => through(clsUse, true, readCls),
      },
      'no id (new UUID)': {
        [ANCHOR]: () => through(handUse, false, readHand),
        CorrelationMiddleware: () => through(rfsUse, false, readRfs),
        'nestjs-cls ClsMiddleware': () => through(clsUse, false, readCls),
      },
    },
  }),
);
