// One block (stream block-<blocker>-<blocked>). The follow edges between the two are
// severed on their own streams right after a UserBlocked (block.command.ts).
import { UserBlockedSchema, UserUnblockedSchema } from "@flick/contracts/flick/events/v1/social_pb";
import { ValidationError, type Decider } from "@flick/kernel";
import { event } from "../../identity/events.js";
import type { BlockEvent } from "../events.js";

export interface BlockState {
  blocked: boolean;
}

export type BlockCommand = { blockerId: string; blockedId: string; at: Date } & ({ type: "Block" } | { type: "Unblock" });

export const blockDecider: Decider<BlockCommand, BlockState, BlockEvent> = {
  initialState: () => ({ blocked: false }),
  evolve: (_state, e) => ({ blocked: e.$typeName === "flick.events.v1.UserBlocked" }),
  decide(command, state) {
    const ids = { blockerId: command.blockerId, blockedId: command.blockedId, occurredAt: command.at };
    if (command.type === "Block") {
      if (command.blockerId === command.blockedId) throw ValidationError.field("user_id", "you cannot block yourself");
      return state.blocked ? [] : [event(UserBlockedSchema, ids)];
    }
    return state.blocked ? [event(UserUnblockedSchema, ids)] : [];
  },
};
