/** An error the API answers with `{ error: { code, message } }` and the given status. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  static notFound(what: string, id: string): ApiError {
    return new ApiError(404, 'not_found', `${what} ${id} does not exist`);
  }
}
