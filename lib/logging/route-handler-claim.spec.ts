import 'reflect-metadata';
import { CorrelationContext } from '../correlation/correlation-context';
import { copyMethodMetadata } from '../correlation/method-metadata';
import type { OperationEvent } from '../operations/operation-event';
import { OperationHub } from '../operations/operation-hub';
import { ok, type Result } from '../result/result';
import { RFS_LOG_OPERATION_METADATA } from '../rfs.constants';
import {
  LogResultOperation,
  type LogResultOperationMetadata,
} from './log-result-operation.decorator';
import {
  offerRouteHandlerClaim,
  type RouteHandlerClaim,
  runWithRouteHandlerClaim,
} from './route-handler-claim';

class Orders {
  @LogResultOperation('orders.get', { includeArgs: true })
  async get(id: string): Promise<Result<string, never>> {
    await Promise.resolve();
    return ok(id);
  }

  @LogResultOperation('orders.other')
  other(): number {
    return 1;
  }
}

const metaOf = (fn: unknown) =>
  Reflect.getMetadata(
    RFS_LOG_OPERATION_METADATA,
    fn as object,
  ) as LogResultOperationMetadata;

function claimFor(fn: unknown): RouteHandlerClaim {
  return { logMetadata: metaOf(fn), args: undefined, taken: false };
}

let events: OperationEvent[];
beforeEach(() => {
  events = [];
  const hub = new OperationHub();
  hub.addListener({ onOperation: (e) => void events.push(e) });
  OperationHub.setCurrent(hub);
});
afterEach(() => OperationHub.setCurrent(undefined));

describe('route handler claim (@LogResultOperation as a route handler)', () => {
  it('the first matching call leaves the event to the claimer and hands over its args; later calls log', async () => {
    const o = new Orders();
    const claim = claimFor(Orders.prototype.get);
    await CorrelationContext.run('c-1', async () => {
      expect(offerRouteHandlerClaim(claim)).toBe(true);
      await o.get('a'); // the route handler
      await o.get('b'); // a nested call in the same request
    });
    expect(claim).toMatchObject({ taken: true, args: ['a'] });
    expect(events.map((e) => [e.operation, e.args])).toEqual([
      ['orders.get', ['b']],
    ]);
  });

  it('another decorated method in the request is not affected', async () => {
    const o = new Orders();
    const claim = claimFor(Orders.prototype.get);
    await CorrelationContext.run('c-2', async () => {
      offerRouteHandlerClaim(claim);
      o.other();
      await o.get('a');
    });
    expect(events.map((e) => e.operation)).toEqual(['orders.other']);
  });

  it('matches through an outer decorator that copied the metadata', async () => {
    const inner = Orders.prototype.get;
    const outer = function (this: Orders, id: string) {
      return inner.call(this, id);
    };
    copyMethodMetadata(inner, outer);
    const claim = claimFor(outer);
    await CorrelationContext.run('c-3', async () => {
      offerRouteHandlerClaim(claim);
      await outer.call(new Orders(), 'a');
    });
    expect(claim.taken).toBe(true);
    expect(events).toEqual([]);
  });

  it('without a correlation store: offer fails, the fallback context carries the claim', async () => {
    const o = new Orders();
    const claim = claimFor(Orders.prototype.get);
    expect(offerRouteHandlerClaim(claim)).toBe(false);
    await runWithRouteHandlerClaim(claim, async () => {
      await o.get('a');
      await o.get('b');
    });
    expect(claim.args).toEqual(['a']);
    expect(events.map((e) => e.args)).toEqual([['b']]);
  });

  it('a claim ended before the handler ran (taken) never suppresses a call', async () => {
    const o = new Orders();
    const claim = claimFor(Orders.prototype.get);
    claim.taken = true;
    await CorrelationContext.run('c-4', async () => {
      offerRouteHandlerClaim(claim);
      await o.get('a');
    });
    expect(events).toHaveLength(1);
  });

  it('outside any request nothing is claimed', async () => {
    await new Orders().get('z');
    expect(events).toHaveLength(1);
  });
});
