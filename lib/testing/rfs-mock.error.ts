/** A mis-configured or mis-used mock (unknown method, exhausted sequence, no behaviour). */
export class RfsMockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RfsMockError';
  }
}
