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

  /** Result lines (pino-http's "request completed" lines have no `operation`). */
  results(): LogLine[] {
    return this.lines.filter((l) => typeof l.operation === 'string');
  }

  /** Lines of one operation. */
  of(operation: string): LogLine[] {
    return this.lines.filter((l) => l.operation === operation);
  }
}
