import type {
  OperationEvent,
  OperationListener,
  OperationLogOptions,
} from './operation-event';

const declared = new Set<string>();
let current: OperationHub | undefined;

/**
 * Fan-out of finished operations to the listeners RfsModule wires (logging, metrics).
 * Decorators run outside DI, so the hub of the running RfsModule is also reachable through
 * {@link OperationHub.current}. A listener that throws is isolated: observability never throws
 * into business code.
 */
export class OperationHub {
  /**
   * Bumped whenever a cached {@link okEventThresholdMs} answer may be stale (listeners added or
   * removed, current hub changed, a listener's {@link invalidate}).
   */
  static version = 0;

  private listeners: OperationListener[] = [];

  /** Tells emitters that cached {@link okEventThresholdMs} answers are stale. */
  static invalidate(): void {
    OperationHub.version++;
  }

  /** Names declared so far by decorators at class-definition time (process-wide). */
  static declaredOperations(): ReadonlySet<string> {
    return declared;
  }

  /** Declares an operation name; every hub's listeners learn it (e.g. to export zero counters). */
  static declare(operation: string): void {
    if (declared.has(operation)) return;
    declared.add(operation);
    current?.announce(operation);
  }

  /** The hub of the most recently initialised RfsModule, if any. */
  static current(): OperationHub | undefined {
    return current;
  }

  /** Makes `hub` the current hub (RfsModule calls this on init); `undefined` clears it. */
  static setCurrent(hub: OperationHub | undefined): void {
    if (hub !== current) OperationHub.version++;
    current = hub;
  }

  /** Adds a listener and tells it every operation declared so far; returns a remover. */
  addListener(listener: OperationListener): () => void {
    this.listeners = [...this.listeners, listener];
    OperationHub.version++;
    for (const op of declared) safeDeclare(listener, op);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
      OperationHub.version++;
    };
  }

  /** Whether a listener's {@link okEventThresholdMs} answer must be asked per call. */
  get okEventThresholdPerCall(): boolean {
    return this.listeners.some((l) => {
      try {
        return l.okEventThresholdPerCall === true;
      } catch {
        return true; // a failing listener: ask per call (it never throws into the caller)
      }
    });
  }

  /**
   * The duration an `ok` event of `operation` must exceed for any listener to use it: the
   * lowest of the listeners' {@link OperationListener.okEventThresholdMs} (`-Infinity` for a
   * listener without it). `Infinity` means no listener wants it: the emitter may skip it.
   */
  okEventThresholdMs(
    operation: string,
    log: OperationLogOptions | undefined,
  ): number {
    let min = Infinity;
    for (const l of this.listeners) {
      let t = -Infinity;
      try {
        if (l.okEventThresholdMs !== undefined)
          t = l.okEventThresholdMs(operation, log);
      } catch {
        // see emit(): a failing listener gets every event
      }
      // a non-number answer counts as "every event"
      if (typeof t !== 'number' || Number.isNaN(t)) t = -Infinity;
      if (t < min) min = t;
    }
    return min;
  }

  /** Declares an operation on this hub only (routes discovered at init). */
  announce(operation: string): void {
    declared.add(operation);
    for (const l of this.listeners) safeDeclare(l, operation);
  }

  /** Hands a finished operation to every listener. */
  emit(event: OperationEvent): void {
    const ls = this.listeners;
    for (let i = 0; i < ls.length; i++) {
      try {
        ls[i].onOperation(event);
      } catch {
        // A listener failure must not reach the caller; listeners report their own errors.
      }
    }
  }
}

function safeDeclare(listener: OperationListener, operation: string): void {
  try {
    listener.onOperationDeclared?.(operation);
  } catch {
    // see emit()
  }
}
