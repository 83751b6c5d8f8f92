import { Inject } from '@nestjs/common';
import { RFS_CLOCK } from './rfs.constants';

/**
 * The time source of nestjs-rfs. Metric windows and alert evaluation read `now()` from the
 * injected clock, so tests drive them with `RfsTestClock.advance(ms)` instead of waiting.
 */
export interface RfsClock {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number;
}

/** The real clock (`Date.now`). */
export const systemClock: RfsClock = { now: () => Date.now() };

/** Returns the injection token of the {@link RfsClock}. */
export function getRfsClockToken(): symbol {
  return RFS_CLOCK;
}

/**
 * Injects the {@link RfsClock} used by RfsModule.
 * @example constructor(@InjectRfsClock() private readonly clock: RfsClock) {}
 */
export const InjectRfsClock = (): PropertyDecorator & ParameterDecorator =>
  Inject(RFS_CLOCK);
