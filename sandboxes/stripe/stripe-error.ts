/** An answer Stripe gives as an error: the HTTP status and the `error` object its SDKs turn into typed errors. */
export class StripeError extends Error {
  constructor(
    readonly status: number,
    readonly error: Record<string, unknown> & { type: string; message: string },
  ) {
    super(error.message);
  }
}

export const resourceMissing = (kind: string, id: string, param = 'id'): StripeError =>
  new StripeError(404, { type: 'invalid_request_error', code: 'resource_missing', param, message: `No such ${kind}: '${id}'` });

export const invalidRequest = (message: string, extra: Record<string, unknown> = {}): StripeError =>
  new StripeError(400, { type: 'invalid_request_error', message, ...extra });
