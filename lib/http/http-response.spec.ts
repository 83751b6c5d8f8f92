import fc from 'fast-check';
import { serverTimingValue } from './http-response';

describe('serverTimingValue', () => {
  it('writes milliseconds with one decimal, as toFixed(1) does', () => {
    expect(serverTimingValue(0)).toBe('app;dur=0.0');
    expect(serverTimingValue(1.96)).toBe('app;dur=2.0');
    expect(serverTimingValue(0.04)).toBe('app;dur=0.0');
    expect(serverTimingValue(12.34)).toBe('app;dur=12.3');
    expect(serverTimingValue(1234.56)).toBe('app;dur=1234.6');
  });

  it('is within half a tenth of the duration, in the header format', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e7, noNaN: true }), (ms) => {
        const value = serverTimingValue(ms);
        expect(value).toMatch(/^app;dur=\d+\.\d$/);
        expect(Math.abs(Number(value.slice(8)) - ms)).toBeLessThanOrEqual(
          0.05 + 1e-9 * ms,
        );
      }),
    );
  });

  it('falls back to toFixed for values that are not durations', () => {
    expect(serverTimingValue(-1.25)).toBe(`app;dur=${(-1.25).toFixed(1)}`);
    expect(serverTimingValue(Number.NaN)).toBe('app;dur=NaN');
  });
});
