import fc from 'fast-check';
import { ErrorCode } from './error-code';
import { Result, err, ok } from './result';
import { RfsError } from './rfs.error';

// Laws and invariants over generated Results. Values and errors are integers or strings so
// that equality is structural; functions are fast-check's pure generated functions.

const value = fc.integer();
const error = fc.string({ maxLength: 5 });
const result = fc.oneof(value.map(ok), error.map(err)) as fc.Arbitrary<
  Result<number, string>
>;
const fn = fc.func(fc.integer());
const errFn = fc.func(fc.string({ maxLength: 5 }));
const kleisli = fc.func(result);
const results = fc.array(result, { maxLength: 12 });

describe('functor laws', () => {
  it('map identity: r.map(x => x) equals r', () => {
    fc.assert(
      fc.property(result, (r) => {
        expect(r.map((x) => x)).toEqual(r);
      }),
    );
  });

  it('map composition: r.map(f).map(g) equals r.map(x => g(f(x)))', () => {
    fc.assert(
      fc.property(result, fn, fn, (r, f, g) => {
        expect(r.map(f).map(g)).toEqual(r.map((x) => g(f(x))));
      }),
    );
  });

  it('mapErr identity and composition', () => {
    fc.assert(
      fc.property(result, errFn, errFn, (r, f, g) => {
        expect(r.mapErr((e) => e)).toEqual(r);
        expect(r.mapErr(f).mapErr(g)).toEqual(r.mapErr((e) => g(f(e))));
      }),
    );
  });
});

describe('monad laws (andThen)', () => {
  it('left identity: ok(a).andThen(f) equals f(a)', () => {
    fc.assert(
      fc.property(value, kleisli, (a, f) => {
        expect(ok(a).andThen(f)).toEqual(f(a));
      }),
    );
  });

  it('right identity: r.andThen(ok) equals r', () => {
    fc.assert(
      fc.property(result, (r) => {
        expect(r.andThen((x) => ok(x))).toEqual(r);
      }),
    );
  });

  it('associativity: r.andThen(f).andThen(g) equals r.andThen(x => f(x).andThen(g))', () => {
    fc.assert(
      fc.property(result, kleisli, kleisli, (r, f, g) => {
        expect(r.andThen(f).andThen(g)).toEqual(
          r.andThen((x) => f(x).andThen(g)),
        );
      }),
    );
  });

  it('map is andThen followed by ok', () => {
    fc.assert(
      fc.property(result, fn, (r, f) => {
        expect(r.map(f)).toEqual(r.andThen((x) => ok(f(x))));
      }),
    );
  });

  it('orElse is the dual: err(e).orElse(f) equals f(e), r.orElse(err) equals r', () => {
    const recover = fc.func(result);
    fc.assert(
      fc.property(error, recover, result, (e, f, r) => {
        expect(err(e).orElse(f)).toEqual(f(e));
        expect(r.orElse((x) => err(x))).toEqual(r);
      }),
    );
  });
});

describe('match and unwrap agree with the branch', () => {
  it('match, unwrapOr and isOk are consistent', () => {
    fc.assert(
      fc.property(result, value, (r, fallback) => {
        const matched = r.match({ ok: (v) => v, err: () => fallback });
        expect(r.unwrapOr(fallback)).toBe(matched);
        expect(r.isOk()).toBe(!r.isErr());
      }),
    );
  });
});

describe('Result.all / allErrors / partition invariants', () => {
  it('all is Ok exactly when every input is Ok, with the values in order', () => {
    fc.assert(
      fc.property(results, (rs) => {
        const all = Result.all(rs);
        const { oks, errs } = Result.partition(rs);
        expect(all.isOk()).toBe(errs.length === 0);
        if (all.isOk()) expect(all.value).toEqual(oks);
      }),
    );
  });

  it('all returns the first Err instance itself', () => {
    fc.assert(
      fc.property(results, (rs) => {
        const all = Result.all(rs);
        const firstErr = rs.find((r) => r.isErr());
        if (firstErr) expect(all).toBe(firstErr);
      }),
    );
  });

  it('the record form agrees with the tuple form', () => {
    fc.assert(
      fc.property(results, (rs) => {
        const record = Object.fromEntries(rs.map((r, i) => [`k${i}`, r]));
        const fromRecord = Result.all(record);
        const fromTuple = Result.all(rs);
        expect(fromRecord.isOk()).toBe(fromTuple.isOk());
        if (fromRecord.isOk() && fromTuple.isOk()) {
          expect(Object.values(fromRecord.value)).toEqual(fromTuple.value);
        } else {
          expect(fromRecord).toBe(fromTuple);
        }
      }),
    );
  });

  it('allErrors collects exactly the errors partition finds, in order', () => {
    fc.assert(
      fc.property(results, (rs) => {
        const collected = Result.allErrors(rs);
        const { oks, errs } = Result.partition(rs);
        if (errs.length === 0) expect(collected).toEqual(ok(oks));
        else expect(collected).toEqual(err(errs));
      }),
    );
  });

  it('partition loses nothing and keeps the relative order', () => {
    fc.assert(
      fc.property(results, (rs) => {
        const { oks, errs } = Result.partition(rs);
        expect(oks.length + errs.length).toBe(rs.length);
        expect(oks).toEqual(rs.filter((r) => r.isOk()).map((r) => r.value));
        expect(errs).toEqual(rs.filter((r) => r.isErr()).map((r) => r.error));
      }),
    );
  });
});

describe('Result.gen agrees with andThen', () => {
  it('a two-step gen block equals the andThen chain', () => {
    fc.assert(
      fc.property(result, kleisli, (r, f) => {
        const viaGen = Result.gen(function* () {
          const a = yield* r;
          return yield* f(a);
        });
        expect(viaGen).toEqual(r.andThen(f));
      }),
    );
  });
});

describe('JSON round trip', () => {
  // Canonical JSON values: jsonValue() may produce -0, which JSON text writes as 0.
  const json = fc
    .jsonValue()
    .map((v) => JSON.parse(JSON.stringify(v)) as unknown);
  const jsonResult = fc.oneof(json.map(ok), json.map(err)) as fc.Arbitrary<
    Result<unknown, unknown>
  >;

  it('fromJSON(toJSON(r)) equals r for JSON values', () => {
    fc.assert(
      fc.property(jsonResult, (r) => {
        expect(Result.fromJSON(r.toJSON())).toEqual(r);
      }),
    );
  });

  it('fromJSON(JSON.stringify(r)) equals r (through text)', () => {
    fc.assert(
      fc.property(jsonResult, (r) => {
        expect(Result.fromJSON(JSON.stringify(r))).toEqual(r);
      }),
    );
  });

  it('an RfsError comes back as its flat { name, code, message, details? } form', () => {
    const rfsError = fc
      .record({
        code: fc.constantFrom(...Object.values(ErrorCode)),
        message: fc.string(),
        details: fc.option(fc.dictionary(fc.string(), json), {
          nil: undefined,
        }),
      })
      .map(
        ({ code, message, details }) =>
          new RfsError(code, message, details ? { details } : {}),
      );
    fc.assert(
      fc.property(rfsError, (e) => {
        const back = Result.fromJSON(JSON.stringify(err(e)));
        const flat: Record<string, unknown> = {
          name: 'RfsError',
          code: e.code,
          message: e.message,
        };
        if (e.details !== undefined) flat.details = e.details;
        expect(back).toEqual(err(flat));
      }),
    );
  });
});

describe('fromJSON rejects malformed input', () => {
  const isWellFormed = (v: unknown): boolean => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const o = v as Record<string, unknown>;
    return o.ok === true || (o.ok === false && 'error' in o);
  };

  it('throws a TypeError for every value that is not a Result shape', () => {
    fc.assert(
      fc.property(
        fc.anything().filter((v) => typeof v !== 'string' && !isWellFormed(v)),
        (v) => {
          expect(() => Result.fromJSON(v)).toThrow(TypeError);
        },
      ),
    );
  });

  it('for any text, either parses a Result or throws a TypeError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          expect(() => Result.fromJSON(text)).toThrow(TypeError);
          return;
        }
        if (isWellFormed(parsed)) {
          expect(Result.isResult(Result.fromJSON(text))).toBe(true);
        } else {
          expect(() => Result.fromJSON(text)).toThrow(TypeError);
        }
      }),
    );
  });
});
