import { describe, expect, it } from "vitest";
import {
  AlreadyExistsError,
  ConcurrencyError,
  domainErrorCode,
  FailedPreconditionError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitedError,
  UnauthenticatedError,
  ValidationError,
} from "../src/index.js";

describe("domain errors", () => {
  it("carry the Connect code name the interceptor maps to", () => {
    expect(
      [
        ValidationError.field("caption", "too long"),
        new NotFoundError("video", "vid_1"),
        new AlreadyExistsError("username"),
        new PermissionDeniedError(),
        new FailedPreconditionError("comments are disabled"),
        new ConcurrencyError("video-1", 9),
        new UnauthenticatedError(),
        new RateLimitedError(1000),
      ].map(domainErrorCode),
    ).toEqual([
      "invalid_argument",
      "not_found",
      "already_exists",
      "permission_denied",
      "failed_precondition",
      "aborted",
      "unauthenticated",
      "resource_exhausted",
    ]);
  });

  it("leave other errors to be reported as internal", () => {
    expect(domainErrorCode(new TypeError("boom"))).toBeUndefined();
    expect(domainErrorCode("nope")).toBeUndefined();
  });

  it("keep field violations for the client", () => {
    const err = new ValidationError([
      { field: "caption", description: "at most 2200 characters" },
      { field: "hashtags", description: "at most 30" },
    ]);
    expect(err.violations).toHaveLength(2);
    expect(err.message).toContain("caption: at most 2200 characters");
  });

  it("do not echo a taken value when none is given", () => {
    expect(new AlreadyExistsError("email").message).toBe("email is already taken");
  });
});
