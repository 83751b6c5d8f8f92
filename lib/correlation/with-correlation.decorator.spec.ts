import { type CanActivate, Injectable, UseGuards } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import { MetadataScanner } from '@nestjs/core';
import { EventPattern, MessagePattern } from '@nestjs/microservices';
import { ListenerMetadataExplorer } from '@nestjs/microservices/listener-metadata-explorer';
import { CorrelationContext } from './correlation-context';
import { CorrelationRejections } from './correlation-rejections';
import { WithCorrelation } from './with-correlation.decorator';

const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

@Injectable()
class AllowGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

class Handlers {
  calls: (string | undefined)[] = [];

  @WithCorrelation()
  plain(): string | undefined {
    return CorrelationContext.getId();
  }

  @WithCorrelation()
  async later(): Promise<string | undefined> {
    await new Promise((r) => setImmediate(r));
    return CorrelationContext.getId();
  }

  @WithCorrelation({
    idFrom: (msg) => (msg as { correlationId?: unknown }).correlationId,
  })
  fromMessage(_msg: { correlationId?: unknown }): string | undefined {
    return CorrelationContext.getId();
  }

  // decorators above @WithCorrelation see the wrapper…
  @EventPattern('order.created')
  @UseGuards(AllowGuard)
  @WithCorrelation()
  onCreated(): void {
    this.calls.push(CorrelationContext.getId());
  }

  // …decorators below it are copied to the wrapper
  @WithCorrelation()
  @MessagePattern({ cmd: 'order.get' })
  @UseGuards(AllowGuard)
  onGet(): string | undefined {
    return CorrelationContext.getId();
  }
}

describe('@WithCorrelation', () => {
  it('runs each call in a new context', () => {
    const h = new Handlers();
    const a = h.plain();
    const b = h.plain();
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
    expect(CorrelationContext.getId()).toBeUndefined();
  });

  it('keeps the context across awaits inside the call', async () => {
    await expect(new Handlers().later()).resolves.toMatch(UUID);
  });

  it('keeps an already active context', () => {
    CorrelationContext.run('outer', () => {
      expect(new Handlers().plain()).toBe('outer');
    });
  });

  it('takes the id from the arguments with idFrom, replacing invalid ones', () => {
    const h = new Handlers();
    expect(h.fromMessage({ correlationId: 'msg-1' })).toBe('msg-1');
    expect(h.fromMessage({})).toMatch(UUID);
    const before = CorrelationRejections.count();
    expect(h.fromMessage({ correlationId: 'a\r\nb' })).toMatch(UUID);
    expect(CorrelationRejections.count()).toBe(before + 1);
  });

  it('keeps this and the method name', () => {
    const h = new Handlers();
    h.onCreated();
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]).toMatch(UUID);
    expect(Handlers.prototype.onGet.name).toBe('onGet');
  });

  it.each(['onCreated', 'onGet'] as const)(
    'keeps guard metadata on %s',
    (method) => {
      expect(
        Reflect.getMetadata(GUARDS_METADATA, Handlers.prototype[method]),
      ).toEqual([AllowGuard]);
    },
  );

  it('keeps @EventPattern/@MessagePattern discoverable by Nest microservices', () => {
    const explorer = new ListenerMetadataExplorer(new MetadataScanner());
    const found = explorer
      .explore(new Handlers())
      .map((d) => ({
        method: d.methodKey,
        patterns: d.patterns,
        isEventHandler: d.isEventHandler,
      }))
      .sort((a, b) => a.method.localeCompare(b.method));
    expect(found).toEqual([
      {
        method: 'onCreated',
        patterns: ['order.created'],
        isEventHandler: true,
      },
      {
        method: 'onGet',
        patterns: [{ cmd: 'order.get' }],
        isEventHandler: false,
      },
    ]);
  });

  it('refuses to decorate a non-method', () => {
    expect(() =>
      WithCorrelation()({}, 'x', {
        value: 42,
      } as TypedPropertyDescriptor<unknown>),
    ).toThrow('@WithCorrelation() decorates methods; x is not a method.');
  });
});
