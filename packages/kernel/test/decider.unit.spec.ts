import { describe, it } from "vitest";
import {
  AlreadyExistsError,
  DeciderSpecification,
  FailedPreconditionError,
  jsonReservationKind,
  reservationDecider,
  ValidationError,
} from "../src/index.js";
import { counterDecider } from "./fixtures/counter.decider.js";

const at = "2026-01-01T00:00:00.000Z";
const counter = DeciderSpecification.for(counterDecider);

describe("counter decider (sample aggregate)", () => {
  it("increments from zero", () =>
    counter.given([]).when({ type: "Increment", by: 2, at }).then([{ type: "Incremented", by: 2, total: 2, at }]));

  it("adds to the total so far", () =>
    counter
      .given([{ type: "Incremented", by: 2, total: 2, at }])
      .when({ type: "Increment", by: 3, at })
      .then([{ type: "Incremented", by: 3, total: 5, at }]));

  it("refuses a non-positive step", () =>
    counter
      .given([])
      .when({ type: "Increment", by: 0, at })
      .thenThrows(ValidationError, (e) => {
        if (e.violations[0]?.field !== "by") throw new Error("expected a violation on 'by'");
      }));

  it("refuses to change once closed", () =>
    counter.given([{ type: "Closed", at }]).when({ type: "Increment", by: 1, at }).thenThrows(FailedPreconditionError));
});

describe("reservation decider", () => {
  const when = new Date(at);
  const spec = DeciderSpecification.for(reservationDecider(jsonReservationKind("username")));

  it("claims a free value", () =>
    spec.given([]).when({ type: "Claim", owner: "usr_1", at: when }).then([{ type: "ReservationClaimed", owner: "usr_1", at }]));

  it("refuses a value someone else holds", () =>
    spec
      .given([{ type: "ReservationClaimed", owner: "usr_1", at }])
      .when({ type: "Claim", owner: "usr_2", at: when })
      .thenThrows(AlreadyExistsError));

  it("treats a repeated claim by the holder as done", () =>
    spec
      .given([{ type: "ReservationClaimed", owner: "usr_1", at }])
      .when({ type: "Claim", owner: "usr_1", at: when })
      .thenNothingHappened());

  it("can be claimed again after a release", () =>
    spec
      .given([
        { type: "ReservationClaimed", owner: "usr_1", at },
        { type: "ReservationReleased", owner: "usr_1", at },
      ])
      .when({ type: "Claim", owner: "usr_2", at: when })
      .then([{ type: "ReservationClaimed", owner: "usr_2", at }]));

  it("ignores a release by someone who does not hold it", () =>
    spec
      .given([{ type: "ReservationClaimed", owner: "usr_1", at }])
      .when({ type: "Release", owner: "usr_2", at: when })
      .thenNothingHappened());
});
