/** One parsed pino line. */
export type LogLine = Record<string, unknown>;

/**
 * In-memory pino destination: every JSON line written is parsed and kept, so specs assert on
 * exactly what production writes. Pass it as pino's destination, e.g.
 * `LoggerModule.forRoot({ pinoHttp: [rfsPinoHttp(), stream] })`.
 */
export class MemoryLogStream {
  readonly lines: LogLine[] = [];

  /** pino's destination call: one or more newline-separated JSON lines. */
  write(chunk: string | Buffer): void {
    for (const line of String(chunk).split('\n'))
      if (line.trim()) this.lines.push(JSON.parse(line) as LogLine);
  }

  /**
   * Lines with an `operation`: Result lines, and "request completed" lines carrying a handler's
   * Result fields (rfsPinoHttp's default `resultLine: 'merge'`).
   */
  results(): LogLine[] {
    return this.lines.filter((l) => typeof l.operation === 'string');
  }

  /** Lines of one operation. */
  of(operation: string): LogLine[] {
    return this.lines.filter((l) => l.operation === operation);
  }
}
