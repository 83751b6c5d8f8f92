import { RfsError, type FieldError, type Result, ok, err } from 'nestjs-rfs';

/** An order as the API returns it. */
export interface Order {
  id: number;
  reference: string;
  customer: string;
  amountCents: number;
  status: 'created' | 'paid' | 'payment_failed';
  createdAt: string;
}

/** Body of `POST /orders`. */
export interface CreateOrderInput {
  reference: string;
  customer: string;
  amountCents: number;
}

/** Validates an untrusted body; every bad field is reported (400 with field errors). */
export function parseCreateOrder(
  body: unknown,
): Result<CreateOrderInput, RfsError> {
  const errors: FieldError[] = [];
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  if (
    typeof b.reference !== 'string' ||
    !/^[A-Z0-9-]{3,40}$/.test(b.reference)
  ) {
    errors.push({
      field: 'reference',
      message: 'must be 3–40 characters of A–Z, 0–9 or -',
      code: 'pattern',
    });
  }
  if (
    typeof b.customer !== 'string' ||
    b.customer.trim().length === 0 ||
    b.customer.length > 100
  ) {
    errors.push({
      field: 'customer',
      message: 'must be a non-empty string of at most 100 characters',
      code: 'required',
    });
  }
  if (
    typeof b.amountCents !== 'number' ||
    !Number.isInteger(b.amountCents) ||
    b.amountCents <= 0
  ) {
    errors.push({
      field: 'amountCents',
      message: 'must be a positive integer',
      code: 'min',
    });
  }
  if (errors.length > 0) return err(RfsError.validation(errors));
  return ok({
    reference: b.reference as string,
    customer: (b.customer as string).trim(),
    amountCents: b.amountCents as number,
  });
}

/** Parses a path id: a positive integer, else 400 with a field error on `id`. */
export function parseOrderId(raw: string): Result<number, RfsError> {
  const id = /^[1-9][0-9]{0,14}$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(id)
    ? ok(id)
    : err(
        RfsError.validation([
          { field: 'id', message: 'must be a positive integer', code: 'type' },
        ]),
      );
}
