/** An answer EasyPost gives as an error: the HTTP status and the `error` object its client libraries turn into typed errors. */
export class EasyPostError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: Array<Record<string, unknown>> = [],
  ) {
    super(message);
  }

  get body() {
    return { error: { code: this.code, message: this.message, errors: this.errors } };
  }
}

export const notFound = (kind: string, id: string): EasyPostError => new EasyPostError(404, 'NOT_FOUND', `The requested resource could not be found: ${kind} ${id}.`);

export const invalidParameter = (field: string, message: string): EasyPostError =>
  new EasyPostError(422, 'PARAMETER.INVALID', message, [{ field, message }]);
