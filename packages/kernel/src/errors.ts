// Every domain error lives in this one file. Each carries a stable `code` that is also the
// Connect code name, so the server's error interceptor maps them without a table of its
// own and clients see the same code whichever protocol they speak.

/** Connect code names (snake case, as `Code[...]` prints them in connect-es). */
export type DomainErrorCode =
  | "invalid_argument"
  | "not_found"
  | "already_exists"
  | "permission_denied"
  | "failed_precondition"
  | "aborted"
  | "unauthenticated"
  | "resource_exhausted";

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
}

export interface FieldViolation {
  /** Path of the offending field as the client sent it, e.g. "caption" or "sound.id". */
  field: string;
  /** Human-readable reason, safe to show to the end user. */
  description: string;
}

export class ValidationError extends DomainError {
  readonly code = "invalid_argument" as const;
  constructor(readonly violations: FieldViolation[]) {
    super(violations.map((v) => `${v.field}: ${v.description}`).join("; ") || "invalid argument");
    this.name = "ValidationError";
  }
  static field(field: string, description: string): ValidationError {
    return new ValidationError([{ field, description }]);
  }
}

export class NotFoundError extends DomainError {
  readonly code = "not_found" as const;
  constructor(readonly resource: string, readonly id: string) {
    super(`${resource} ${id} not found`);
    this.name = "NotFoundError";
  }
}

export class AlreadyExistsError extends DomainError {
  readonly code = "already_exists" as const;
  /** Without an id (e.g. an email someone else holds) the message does not echo the value. */
  constructor(readonly resource: string, readonly id?: string) {
    super(id === undefined ? `${resource} is already taken` : `${resource} ${id} already exists`);
    this.name = "AlreadyExistsError";
  }
}

export class PermissionDeniedError extends DomainError {
  readonly code = "permission_denied" as const;
  constructor(message = "permission denied") {
    super(message);
    this.name = "PermissionDeniedError";
  }
}

/** The command is valid but not in the resource's current state (e.g. like a deleted video). */
export class FailedPreconditionError extends DomainError {
  readonly code = "failed_precondition" as const;
  constructor(message: string, readonly reason?: string) {
    super(message);
    this.name = "FailedPreconditionError";
  }
}

/** Optimistic concurrency lost more often than the retry bound allows; the client may retry. */
export class ConcurrencyError extends DomainError {
  readonly code = "aborted" as const;
  constructor(readonly stream: string, readonly attempts: number) {
    super(`stream ${stream}: concurrent writes, gave up after ${attempts} attempts`);
    this.name = "ConcurrencyError";
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = "unauthenticated" as const;
  constructor(message = "authentication required") {
    super(message);
    this.name = "UnauthenticatedError";
  }
}

export class RateLimitedError extends DomainError {
  readonly code = "resource_exhausted" as const;
  constructor(readonly retryAfterMs?: number, message = "rate limited") {
    super(message);
    this.name = "RateLimitedError";
  }
}

/** The stable code of a domain error, or undefined for anything else (an internal error). */
export function domainErrorCode(err: unknown): DomainErrorCode | undefined {
  return err instanceof DomainError ? err.code : undefined;
}
