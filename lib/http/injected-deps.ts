/**
 * The dependencies of a Nest enhancer that takes no constructor parameters (so that a subclass
 * may declare a constructor of its own): given by hand through the class's static
 * `create(deps)`, else injected by Nest as properties. Resolved at first use, and again by
 * {@link InjectedDeps.refresh} once Nest has set the properties (`onApplicationBootstrap`).
 *
 * @internal shared by ResultInterceptor and ResultExceptionFilter
 */
export class InjectedDeps<Given extends object, Resolved> {
  private resolved: Resolved | undefined = undefined;

  /** `given`: what `create(deps)` passes (nothing when Nest creates the instance). */
  constructor(
    private readonly resolve: (given: Given) => Resolved,
    private given: Given,
  ) {}

  /** Uses `deps` (from `create`), also if something was resolved before (a subclass constructor). */
  give(deps: Given): void {
    this.given = deps;
    this.resolved = undefined;
  }

  /** The dependencies, resolved on the first call. */
  get(): Resolved {
    return (this.resolved ??= this.resolve(this.given));
  }

  /** Resolves them again (the injected properties are set by now) and returns them. */
  refresh(): Resolved {
    return (this.resolved = this.resolve(this.given));
  }
}
