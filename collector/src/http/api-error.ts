import type { FieldError } from '@vigil/shared';

/** An error the API answers with `{ error: { code, message, fields? } }` and the given status. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** The invalid fields of a request, when the failure is about particular fields. */
    readonly fields?: FieldError[],
  ) {
    super(message);
  }

  static notFound(what: string, id: string): ApiError {
    return new ApiError(404, 'not_found', `${what} ${id} does not exist`);
  }

  /** A 400 about one field: the message names it, and `fields` lets a form place it. */
  static invalidField(part: 'body' | 'query', path: string, message: string): ApiError {
    return new ApiError(400, `invalid_${part}`, `invalid ${part}: ${path}: ${message}`, [{ path, message }]);
  }
}
