import { HttpException } from '@nestjs/common';
import { ERROR_CODE_STATUS, isErrorCode } from '../result/error-code';
import { RfsError } from '../result/rfs.error';
import { RFS_HTTP_ERROR_STATUS_METADATA } from '../rfs.constants';
import type { HttpErrorMapper } from './http.options';
import { safeGet, safeInstanceOf } from './safe-value';

/** What the registry reads from the `http` options. */
export interface ErrorStatusSources {
  /** Status by error code or error class name. */
  readonly errorStatus?: Readonly<Record<string, number>>;
  /** Last-resort mapper before 500. */
  readonly errorMapper?: HttpErrorMapper;
}

/** How a status was found (the order the registry tries). */
export type ErrorStatusSource =
  'explicit' | 'code' | 'options' | 'decorator' | 'mapper' | 'default';

/** A status and where it came from. */
export interface ResolvedErrorStatus {
  readonly status: number;
  readonly source: ErrorStatusSource;
}

function isErrorStatus(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= 400 &&
    value <= 599
  );
}

/**
 * Maps any error to an HTTP status, in this order: an explicit `status` (or `statusCode`) on the
 * error (HttpException included), the built-in {@link ErrorCode} table, `http.errorStatus` (by
 * code, then by class name along the prototype chain), the `@HttpErrorStatus()` class decorator,
 * `http.errorMapper`, and finally 500. Never throws, whatever the error is.
 *
 * An `RfsError` always carries a `status` (its code's default when none was given), so for an
 * RfsError only a status that differs from that default counts as explicit.
 *
 * @example
 * ```ts
 * const registry = new ErrorStatusRegistry({ errorStatus: { PAYMENT_REQUIRED: 402 } });
 * registry.statusOf(new RfsError('PAYMENT_REQUIRED', 'card declined')); // 402
 * ```
 */
export class ErrorStatusRegistry {
  private readonly byClass = new WeakMap<object, ResolvedErrorStatus | null>();
  private readonly errorStatus: Readonly<Record<string, number>>;
  private readonly errorMapper?: HttpErrorMapper;

  constructor(sources: ErrorStatusSources = {}) {
    this.errorStatus = sources.errorStatus ?? {};
    this.errorMapper = sources.errorMapper;
  }

  /** The HTTP status of `error` (400–599; 500 when nothing matches). */
  statusOf(error: unknown): number {
    return this.resolve(error).status;
  }

  /** The status of `error` and which rule gave it. */
  resolve(error: unknown): ResolvedErrorStatus {
    try {
      return this.resolveUnsafe(error);
    } catch {
      return { status: 500, source: 'default' };
    }
  }

  private resolveUnsafe(error: unknown): ResolvedErrorStatus {
    const isObject =
      (typeof error === 'object' && error !== null) ||
      typeof error === 'function';
    const code = isObject ? safeGet(error, 'code') : undefined;

    const explicit = this.explicitStatus(error, code);
    if (explicit !== undefined) return { status: explicit, source: 'explicit' };

    if (isErrorCode(code)) {
      return { status: ERROR_CODE_STATUS[code], source: 'code' };
    }
    if (typeof code === 'string' && hasOwn(this.errorStatus, code)) {
      return { status: this.errorStatus[code], source: 'options' };
    }
    if (isObject) {
      const byClass = this.classStatus(error);
      if (byClass !== undefined) return byClass;
    }
    if (this.errorMapper) {
      try {
        const mapped = this.errorMapper(error);
        if (isErrorStatus(mapped)) return { status: mapped, source: 'mapper' };
      } catch {
        // a mapper that throws is ignored: the response must still be written
      }
    }
    return { status: 500, source: 'default' };
  }

  /** The status the error itself asks for, if any (override to read other fields). */
  protected explicitStatus(error: unknown, code: unknown): number | undefined {
    if (safeInstanceOf(error, HttpException)) {
      const s = (error as HttpException).getStatus();
      return isErrorStatus(s) ? s : undefined;
    }
    const status = safeGet(error, 'status');
    if (isErrorStatus(status)) {
      if (safeInstanceOf(error, RfsError)) {
        const fallback = isErrorCode(code) ? ERROR_CODE_STATUS[code] : 500;
        return status === fallback ? undefined : status;
      }
      return status;
    }
    const statusCode = safeGet(error, 'statusCode');
    return isErrorStatus(statusCode) ? statusCode : undefined;
  }

  /** `http.errorStatus` by class name, then `@HttpErrorStatus`, cached per class. */
  private classStatus(error: object): ResolvedErrorStatus | undefined {
    const proto = Object.getPrototypeOf(error) as object | null;
    if (proto === null) return undefined;
    let found = this.byClass.get(proto);
    if (found === undefined) {
      found = this.lookupClass(proto) ?? null;
      this.byClass.set(proto, found);
    }
    return found ?? undefined;
  }

  private lookupClass(proto: object): ResolvedErrorStatus | undefined {
    for (
      let p: object | null = proto, i = 0;
      p !== null && p !== Object.prototype && i < 32;
      p = Object.getPrototypeOf(p) as object | null, i++
    ) {
      const ctor = safeGet(p, 'constructor');
      const name = typeof ctor === 'function' ? ctor.name : undefined;
      if (name && hasOwn(this.errorStatus, name)) {
        return { status: this.errorStatus[name], source: 'options' };
      }
    }
    const ctor = safeGet(proto, 'constructor');
    if (typeof ctor === 'function') {
      const s: unknown = Reflect.getMetadata(
        RFS_HTTP_ERROR_STATUS_METADATA,
        ctor,
      );
      if (isErrorStatus(s)) return { status: s, source: 'decorator' };
    }
    return undefined;
  }
}

function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}
