import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { throwError, type Observable } from 'rxjs';
import { CorrelationContext } from '../correlation/correlation-context';
import { correlationStoreOf } from '../correlation/correlation.middleware';
import { ResultMetricsCollector } from '../metrics/result-metrics.collector';
import { getRfsOptionsToken } from '../rfs-options.provider';
import type { RfsModuleOptions } from '../rfs.options';
import {
  type AdapterRequest,
  type AdapterResponse,
  rawResponse,
  requestPath,
  setResponseHeader,
  setResponseStatus,
} from './http-response';
import {
  type Problem,
  PROBLEM_CONTENT_TYPE,
  ProblemDetailsFactory,
} from './problem-details';
import { PreparedHttpResponse, thrownProblemOf } from './exception-handoff';
import { enteredHandlerCall } from './entered-handler-call';
import { HttpRejectionRecorder } from './http-rejections';
import { InjectedDeps } from './injected-deps';
import { describeThrown } from './safe-value';

/**
 * Renders every error thrown on the HTTP path (Nest `HttpException`s, `RfsError`s, anything
 * else) as the same `application/problem+json` envelope an Err gets, with the correlation id.
 * An unknown throw is a defect: 500 with a generic body, logged with its stack through Nest's
 * `Logger`. It never crashes on what was thrown (null, strings, cyclic objects, BigInts, Errors
 * whose getters throw). RfsModule registers it globally (`http.exceptionFilter: false` opts out).
 * Non-HTTP contexts (rpc, ws) get the exception back unchanged. A request rejected before it
 * became an operation (a guard's 401/403; on the handler pipeline also a pipe's 400) is
 * recorded once in the HTTP RED series (`metrics.httpMetrics`) after its response is written.
 * Subclass it to override `problemFor` or `logDefect` (register it as `APP_FILTER` with
 * `http.exceptionFilter: false`); it takes no constructor parameters (its dependencies are
 * injected as properties), so a subclass may have a constructor of its own that calls `super()`.
 *
 * @example
 * ```ts
 * // thrown anywhere in a request:
 * throw new NotFoundException('order 42 not found');
 * // → 404 { "type": "about:blank", "title": "Not Found", "status": 404, "code": "NOT_FOUND", … }
 * ```
 */
@Catch()
@Injectable()
export class ResultExceptionFilter
  implements ExceptionFilter, OnApplicationBootstrap
{
  /** Logger of defects. */
  protected readonly logger = new Logger('ResultExceptionFilter');

  // No constructor parameters: Nest injects these as properties, so a subclass may declare a
  // constructor of its own (its parameters are then all its own) and call `super()`.
  @Optional()
  @Inject(getRfsOptionsToken())
  private readonly injectedOptions?: RfsModuleOptions;
  @Optional()
  @Inject(ProblemDetailsFactory)
  private readonly injectedProblems?: ProblemDetailsFactory;
  @Optional()
  @Inject(HttpAdapterHost)
  private readonly injectedAdapterHost?: HttpAdapterHost;
  @Optional()
  @Inject(ResultMetricsCollector)
  private readonly injectedMetrics?: ResultMetricsCollector;
  @Optional()
  @Inject(ModulesContainer)
  private readonly injectedModules?: ModulesContainer;

  readonly #deps = new InjectedDeps<ResultExceptionFilterDeps, FilterDeps>(
    (given) => this.#resolveDeps(given),
    {},
  );

  /**
   * A filter built by hand (a unit test, `app.useGlobalFilters(…)`) with `deps`; in an
   * application Nest creates it and injects them. Whatever `deps` leaves out is injected if Nest
   * creates the instance.
   */
  static create<T extends ResultExceptionFilter>(
    this: new () => T,
    deps: ResultExceptionFilterDeps,
  ): T {
    const instance = new this();
    instance.#deps.give(deps);
    return instance;
  }

  /** Problem bodies and statuses. */
  get problems(): ProblemDetailsFactory {
    return this.#deps.get().problems;
  }

  #resolveDeps(given: ResultExceptionFilterDeps): FilterDeps {
    const options = given.options ?? this.injectedOptions;
    const metrics = given.metrics ?? this.injectedMetrics;
    return {
      problems:
        given.problems ??
        this.injectedProblems ??
        new ProblemDetailsFactory(options),
      adapterHost: given.adapterHost ?? this.injectedAdapterHost,
      modules: given.modules ?? this.injectedModules,
      rejections:
        metrics === undefined
          ? undefined
          : HttpRejectionRecorder.of(options, () => metrics.httpSeries),
    };
  }

  /** Learns which routes are untracked (their rejections are not recorded). */
  onApplicationBootstrap(): void {
    const { modules, rejections } = this.#deps.refresh();
    if (modules !== undefined) rejections?.learnRoutes(modules);
  }

  /** See the class documentation. */
  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    if (host.getType() !== 'http') return throwError(() => exception);
    const http = host.switchToHttp();
    const req = http.getRequest<AdapterRequest>();
    const res = http.getResponse<AdapterResponse>();
    if (exception instanceof PreparedHttpResponse) {
      // an Err or a batch the handler pipeline (`http.pipeline: 'handler'`) answered, also when
      // a user's interceptor rethrew it: written as prepared, not re-mapped as an HttpException
      this.write(
        res,
        exception.getStatus(),
        exception.getResponse(),
        exception.contentType,
      );
      return;
    }
    let problem: Problem;
    let stashed: Problem | undefined;
    try {
      stashed = thrownProblemOf(req, exception);
      problem = stashed ?? this.problemFor(exception, req);
    } catch {
      problem = this.problems.create(undefined, {}, true);
    }
    if (problem.outcome === 'defect') this.logDefect(exception);
    const store =
      CorrelationContext.storage.getStore() ?? correlationStoreOf(req);
    // a handler still running when this error answers its request (e.g. a user's timeout
    // interceptor): its operation ends with this response
    enteredHandlerCall(store)?.interrupted(exception, problem);
    this.write(res, problem.status, problem.body, PROBLEM_CONTENT_TYPE);
    // a problem a Result pipeline computed is its operation's error (recorded with it)
    if (stashed === undefined)
      this.#deps.get().rejections?.record(req, res, store);
  }

  /** The problem of a thrown value (override to change it). */
  protected problemFor(exception: unknown, req: AdapterRequest): Problem {
    const correlationId =
      CorrelationContext.getId() ?? correlationStoreOf(req)?.id;
    return this.problems.create(
      exception,
      { instance: requestPath(req), correlationId },
      true,
    );
  }

  /** Logs a defect with its stack (override to route it elsewhere). */
  protected logDefect(exception: unknown): void {
    try {
      const d = describeThrown(exception);
      this.logger.error(`Unhandled ${d.name}: ${d.message}`, d.stack);
    } catch {
      // a logger failure must not stop the response
    }
  }

  private write(
    res: AdapterResponse,
    status: number,
    body: unknown,
    contentType: string,
  ): void {
    const raw = rawResponse(res);
    if (raw.headersSent || raw.destroyed || raw.writableEnded) {
      // Too late for a problem body (a stream already started, or the client left).
      if (!raw.writableEnded && !raw.destroyed) raw.end();
      return;
    }
    setResponseStatus(res, status);
    setResponseHeader(res, 'content-type', contentType);
    const adapter = this.#deps.get().adapterHost?.httpAdapter;
    try {
      if (adapter) {
        // status already set: passing it again makes the Express adapter reset a non-JSON content type
        adapter.reply(res, body);
      } else {
        replyWithoutAdapter(res, body);
      }
    } catch (error) {
      this.logDefect(error);
      if (!raw.headersSent) {
        raw.statusCode = 500;
        raw.setHeader('content-type', PROBLEM_CONTENT_TYPE);
      }
      if (!raw.writableEnded) raw.end();
    }
  }
}

/** What {@link ResultExceptionFilter.create} uses (each one optional). */
export interface ResultExceptionFilterDeps {
  /** Resolved RfsModule options (`resolveRfsOptions(input)`). */
  options?: RfsModuleOptions;
  /** Problem factory (default: one built from `options`). */
  problems?: ProblemDetailsFactory;
  /** The HTTP adapter that writes responses (default: the raw response / framework reply). */
  adapterHost?: HttpAdapterHost;
  /** Records requests rejected before their handler in the HTTP RED series. */
  metrics?: ResultMetricsCollector;
  /** Nest's modules, to learn the untracked routes at bootstrap. */
  modules?: ModulesContainer;
}

interface FilterDeps {
  readonly problems: ProblemDetailsFactory;
  readonly adapterHost: HttpAdapterHost | undefined;
  readonly modules: ModulesContainer | undefined;
  /** Records pre-handler rejections in the HTTP RED series (none without a Result pipeline). */
  readonly rejections: HttpRejectionRecorder | undefined;
}

function replyWithoutAdapter(res: AdapterResponse, body: unknown): void {
  const r = res as AdapterResponse & {
    send?: (body: unknown) => unknown;
    json?: (body: unknown) => unknown;
  };
  if (typeof r.json === 'function') r.json(body);
  else if (typeof r.send === 'function' && r.raw) r.send(body);
  else rawResponse(res).end(JSON.stringify(body));
}
