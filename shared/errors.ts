/**
 * One error hierarchy with stable codes, shared by hub and daemon. Callers branch on
 * `err.code`, never on the message; the HTTP status lives here so the hub maps errors
 * to responses in exactly one place.
 */

export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_MAC: 400,
  IMPORT_INVALID: 400,
  TEMPLATE_INVALID: 400,
  TEMPLATE_RENDER_FAILED: 422,
  CONFIG_INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  TOO_MANY_USERS: 409,
  TOO_MANY_LINES: 409,
  USER_NOT_LICENSED: 409,
  USER_HAS_NO_SIP_ACCOUNT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  ENGINE_UNAVAILABLE: 501,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ProvError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProvError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toJSON(): { code: ErrorCode; message: string; details?: unknown } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isProvError(err: unknown): err is ProvError {
  return err instanceof ProvError;
}

/** A position in a source text; 1-based line and column. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A template error with the position the author must look at. */
export class TemplateError extends ProvError {
  readonly line: number;
  readonly column: number;

  constructor(
    code: 'TEMPLATE_INVALID' | 'TEMPLATE_RENDER_FAILED' | 'ENGINE_UNAVAILABLE',
    message: string,
    pos: SourcePosition,
  ) {
    super(code, `${pos.line}:${pos.column}: ${message}`, { line: pos.line, column: pos.column, reason: message });
    this.name = 'TemplateError';
    this.line = pos.line;
    this.column = pos.column;
  }
}

/** One problem in an imported file, pinned to the line and column the admin must fix. */
export interface RowError {
  line: number;
  column: number;
  field: string;
  message: string;
}
