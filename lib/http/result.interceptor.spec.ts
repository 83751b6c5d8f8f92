// ResultInterceptor / ResultExceptionFilter built by hand (outside Nest's injector): what
// `create(deps)` is given is used; without it, the defaults. (In applications Nest injects the
// dependencies as properties: test/http-enhancers.e2e-spec.ts, test/http-rejections.e2e-spec.ts.)
import { OperationHub } from '../operations/operation-hub';
import { resolveRfsOptions } from '../rfs.options';
import { ProblemDetailsFactory } from './problem-details';
import { ResultExceptionFilter } from './result-exception.filter';
import { ResultInterceptor } from './result.interceptor';

const options = resolveRfsOptions({
  http: {
    timingHeader: false,
    problemTypeBaseUrl: 'https://errors.example.com/',
  },
});
const typeOf = (problems: ProblemDetailsFactory) =>
  problems.create(new Error('x'), {}, false).body.type;

describe('ResultInterceptor.create / ResultExceptionFilter.create', () => {
  it('use the options and dependencies they are given', () => {
    const hub = new OperationHub();
    const interceptor = ResultInterceptor.create({ options, hub });
    expect(interceptor).toBeInstanceOf(ResultInterceptor);
    expect(interceptor.timingHeader).toBe(false);
    expect(interceptor.filterRendersErrors).toBe(true);
    expect(typeOf(interceptor.problems)).toBe(
      'https://errors.example.com/internal-server-error',
    );
    const problems = new ProblemDetailsFactory();
    expect(ResultExceptionFilter.create({ options, problems }).problems).toBe(
      problems,
    );
    expect(typeOf(ResultExceptionFilter.create({ options }).problems)).toBe(
      'https://errors.example.com/internal-server-error',
    );
  });

  it('fall back to the defaults when built bare', () => {
    const interceptor = new ResultInterceptor();
    expect(interceptor.timingHeader).toBe(true);
    expect(typeOf(interceptor.problems)).toBe('about:blank');
    expect(typeOf(new ResultExceptionFilter().problems)).toBe('about:blank');
  });

  it('build instances of a subclass, also one whose constructor read the defaults', () => {
    class Mine extends ResultInterceptor {
      readonly timedAtConstruction = this.timingHeader;
    }
    const mine = Mine.create({ options });
    expect(mine).toBeInstanceOf(Mine);
    expect(mine.timedAtConstruction).toBe(true);
    expect(mine.timingHeader).toBe(false);
  });
});
