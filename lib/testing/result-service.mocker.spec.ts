import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { expectTypeOf } from 'expect-type';
import { err, ok, RfsError, type Result } from 'nestjs-rfs';
import { MonoResult } from '../result/mono-result';
import {
  RfsAssertionError,
  RfsMockError,
  ResultServiceMocker,
  mockResultService,
} from 'nestjs-rfs/testing';

interface Order {
  id: string;
  total: number;
}

class PricingService {
  initialised = false;

  price(sku: string): Result<number, RfsError> {
    return sku ? ok(10) : err(RfsError.notFound('sku'));
  }

  /** Calls another method of the same class. */
  total(sku: string, qty: number): Result<number, RfsError> {
    return this.price(sku).map((p) => p * qty);
  }

  /** Calls itself: a mock that ran real code through its own stubs would loop forever. */
  countdown(n: number): Result<number, never> {
    return n <= 0 ? ok(0) : this.countdown(n - 1);
  }

  async find(id: string): Promise<Result<Order, RfsError>> {
    return ok({ id, total: 1 });
  }

  quote(id: string): MonoResult<number, RfsError> {
    return MonoResult.ok(id.length);
  }

  onModuleInit(): void {
    throw new Error('the real onModuleInit must not run on a mock');
  }
}

function failure(fn: () => void): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

const notFound = RfsError.notFound('order', '9');

describe('ResultServiceMocker', () => {
  it('stubs every method, typed as the service', () => {
    const m = new ResultServiceMocker(PricingService);
    expect(m.methodNames()).toEqual([
      'price',
      'total',
      'countdown',
      'find',
      'quote',
    ]);
    expect(m.instance).toBeInstanceOf(PricingService);
    expectTypeOf(m.instance).toEqualTypeOf<PricingService>();
  });

  it('returnsOk / returnsErr shape Results as the method returns them', async () => {
    const m = new ResultServiceMocker(PricingService)
      .returnsOk('price', 5)
      .returnsErr('find', notFound)
      .returnsOk('quote', 3)
      .treatAs('quote', 'mono')
      .returnsOk('quote', 3);
    expect(m.instance.price('a')).toEqual(ok(5));
    const found = m.instance.find('9');
    expect(found).toBeInstanceOf(Promise); // async method → resolved promise
    expect(await found).toEqual(err(notFound));
    const quote = m.instance.quote('x');
    expect(quote).toBeInstanceOf(MonoResult);
    expect(await quote).toEqual(ok(3));
  });

  it('rejects wrongly typed configuration at compile time', () => {
    const m = new ResultServiceMocker(PricingService);
    // @ts-expect-error — not a method of PricingService
    expect(() => m.returnsOk('nope', 1)).toThrow(RfsMockError);
    // @ts-expect-error — price yields number, not string
    m.returnsOk('price', 'ten');
    // @ts-expect-error — find errs with RfsError, not string
    m.returnsErr('find', 'boom');
    // @ts-expect-error — quote returns a MonoResult, price does not
    m.returnsMonoOk('price', 1);
    // @ts-expect-error — otherwise() needs a preceding returnsSequence
    expect(() => m.otherwise(ok(1))).toThrow(RfsMockError);
    expectTypeOf(m.calls('total')).toEqualTypeOf<
      ReadonlyArray<[sku: string, qty: number]>
    >();
  });

  it('names the class and lists its methods for an unknown method', () => {
    const e = failure(() =>
      new ResultServiceMocker(PricingService).callCount('prices' as 'price'),
    );
    expect(e).toBeInstanceOf(RfsMockError);
    expect(e.message).toBe(
      "ResultServiceMocker: PricingService has no method 'prices'. Its methods are: price, total, countdown, find, quote.",
    );
  });

  it('never recurses: methods that call each other or themselves stay stubs', () => {
    const m = new ResultServiceMocker(PricingService)
      .returnsOk('countdown', 7)
      .returnsOk('price', 4)
      .callsThrough('total');
    expect(m.instance.countdown(1_000_000)).toEqual(ok(7));
    expect(m.callCount('countdown')).toBe(1);
    // The real total() runs once and calls the *stubbed* price().
    expect(m.instance.total('sku', 3)).toEqual(ok(12));
    expect(m.callCount('total')).toBe(1);
    expect(m.callCount('price')).toBe(1);
    m.assertCalledWith('price', 'sku');
  });

  it('returnsSequence then otherwise', () => {
    const m = new ResultServiceMocker(PricingService)
      .returnsSequence('price', [ok(1), err(notFound)])
      .otherwise(ok(99));
    expect(m.instance.price('a')).toEqual(ok(1));
    expect(m.instance.price('a')).toEqual(err(notFound));
    expect(m.instance.price('a')).toEqual(ok(99));
    expect(m.instance.price('a')).toEqual(ok(99));
  });

  it('an exhausted sequence without otherwise fails naming the method', () => {
    const m = new ResultServiceMocker(PricingService).returnsSequence('find', [
      ok({ id: '1', total: 2 }),
    ]);
    void m.instance.find('1');
    const e = failure(() => void m.instance.find('2'));
    expect(e).toBeInstanceOf(RfsMockError);
    expect(e.message).toBe(
      "ResultServiceMocker: PricingService.find was called 2 times, but returnsSequence('find', …) holds 1 result(s) and no otherwise(result) follows it.",
    );
  });

  it('an unconfigured method fails naming it and how to configure it', () => {
    const m = new ResultServiceMocker(PricingService);
    const e = failure(() => m.instance.price('a'));
    expect(e).toBeInstanceOf(RfsMockError);
    expect(e.message).toContain(
      'ResultServiceMocker: PricingService.price was called, but no behaviour is configured for it.',
    );
    expect(e.message).toContain("returnsOk('price', value)");
  });

  it('returnsMonoOk is lazy, cold and honours delayMs with fake timers', async () => {
    jest.useFakeTimers();
    try {
      const m = new ResultServiceMocker(PricingService)
        .returnsMonoOk('quote', 8, { delayMs: 100 })
        .returnsMonoErr('quote', notFound, { delayMs: 50 })
        .returnsMonoOk('quote', 8, { delayMs: 100 });
      const mono = m.instance.quote('x');
      let settled: Result<number, RfsError> | undefined;
      void mono.run().then((r) => (settled = r));
      await jest.advanceTimersByTimeAsync(99);
      expect(settled).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      expect(settled).toEqual(ok(8));
    } finally {
      jest.useRealTimers();
    }
  });

  it('returnsMonoErr yields the error; delayMs is validated', async () => {
    const m = new ResultServiceMocker(PricingService).returnsMonoErr(
      'quote',
      notFound,
    );
    expect(await m.instance.quote('x')).toEqual(err(notFound));
    expect(() => m.returnsMonoOk('quote', 1, { delayMs: -1 })).toThrow(
      "ResultServiceMocker: delayMs of 'quote' must be a finite number >= 0 (milliseconds), got -1.",
    );
  });

  it('throws: sync methods throw, async ones reject, monos reject on run', async () => {
    const boom = new Error('boom');
    const m = new ResultServiceMocker(PricingService)
      .throws('price', boom)
      .throws('find', boom)
      .returnsMonoOk('quote', 1)
      .throws('quote', boom);
    expect(() => m.instance.price('a')).toThrow(boom);
    await expect(m.instance.find('a')).rejects.toBe(boom);
    const mono = m.instance.quote('a'); // creating the mono does not throw
    await expect(mono.run()).rejects.toBe(boom);
  });

  it('records calls; clearCalls keeps behaviour, reset drops it', () => {
    const m = new ResultServiceMocker(PricingService).returnsOk('price', 1);
    m.instance.price('a');
    m.instance.price('b');
    expect(m.calls('price')).toEqual([['a'], ['b']]);
    expect(m.callCount('price')).toBe(2);
    m.clearCalls();
    expect(m.callCount('price')).toBe(0);
    expect(m.instance.price('c')).toEqual(ok(1));
    m.reset();
    expect(m.callCount('price')).toBe(0);
    expect(() => m.instance.price('d')).toThrow(RfsMockError);
  });

  describe('call assertions', () => {
    const make = () =>
      new ResultServiceMocker(PricingService).returnsOk('total', 1);

    it('assertCalled passes after a call and fails before', () => {
      const m = make();
      const e = failure(() => m.assertCalled('total'));
      expect(e).toBeInstanceOf(RfsAssertionError);
      expect(e.message).toBe(
        'Expected PricingService.total to have been called, but it was never called.',
      );
      m.instance.total('a', 1);
      m.assertCalled('total');
    });

    it('assertCalledOnce passes on one call and fails on two, listing them', () => {
      const m = make();
      m.instance.total('a', 1);
      m.assertCalledOnce('total');
      m.instance.total('b', 2);
      const e = failure(() => m.assertCalledOnce('total'));
      expect(e).toBeInstanceOf(RfsAssertionError);
      expect(e.message).toContain(
        'Expected PricingService.total to have been called once, but it was called 2 times.',
      );
      expect(e.message).toContain("1. [ 'a', 1 ]");
      expect(e.message).toContain("2. [ 'b', 2 ]");
    });

    it('assertCalledWith passes on any matching call and fails with a diff', () => {
      const m = make();
      m.instance.total('a', 1);
      m.instance.total('b', 2);
      m.assertCalledWith('total', 'a', 1);
      m.assertCalledWith('total', 'b', 2);
      const e = failure(() => m.assertCalledWith('total', 'b', 3));
      expect(e).toBeInstanceOf(RfsAssertionError);
      expect(e.message).toContain(
        "Expected PricingService.total to have been called with [ 'b', 3 ], but no call matched.",
      );
      expect(e.message).toContain('Difference from the last call');
      expect(e.message).toMatch(/\+ +2/);
      expect(e.message).toMatch(/- +3/);
    });

    it('assertNotCalled passes before a call and fails after', () => {
      const m = make();
      m.assertNotCalled('total');
      m.instance.total('a', 1);
      const e = failure(() => m.assertNotCalled('total'));
      expect(e).toBeInstanceOf(RfsAssertionError);
      expect(e.message).toContain(
        'Expected PricingService.total not to have been called, but it was called 1 time.',
      );
    });
  });

  it('callsFake runs a typed implementation', () => {
    const m = new ResultServiceMocker(PricingService).callsFake(
      'price',
      (sku) => (sku === 'a' ? ok(1) : err(notFound)),
    );
    expect(m.instance.price('a')).toEqual(ok(1));
    expect(m.instance.price('b')).toEqual(err(notFound));
  });
});

describe('mockResultService in a Nest testing module', () => {
  @Injectable()
  class CheckoutService {
    constructor(private readonly pricing: PricingService) {}

    checkout(sku: string): Result<number, RfsError> {
      return this.pricing.total(sku, 2);
    }
  }

  @Module({ providers: [PricingService, CheckoutService] })
  class ShopModule {}

  it('overrides the provider; Nest never runs the real lifecycle hooks', async () => {
    const pricing = mockResultService(PricingService, (m) =>
      m.returnsOk('total', 42),
    );
    const moduleRef = await Test.createTestingModule({ imports: [ShopModule] })
      .overrideProvider(PricingService)
      .useValue(pricing)
      .compile();
    await moduleRef.init();
    try {
      expect(moduleRef.get(CheckoutService).checkout('x')).toEqual(ok(42));
      ResultServiceMocker.of(pricing).assertCalledWith('total', 'x', 2);
    } finally {
      await moduleRef.close();
    }
  });

  it('ResultServiceMocker.of rejects objects that are not mocks', () => {
    expect(() => ResultServiceMocker.of({})).toThrow(
      'ResultServiceMocker.of: the object is not a mock made by mockResultService() or new ResultServiceMocker().',
    );
  });
});
