// GetMe: the caller's own account from its stream (always current), with the personal
// values unsealed for their owner only.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { AccountSchema, type Account } from "@flick/contracts/flick/identity/v1/identity_pb";
import { NO_RELATION } from "../../social/relations.js";
import { requireAccount, unseal } from "../accounts.js";
import { isAdmin, type IdentityContext } from "../identity.context.js";
import { fromState } from "../views.js";
import { renderProfiles, settleViewer } from "./get-profile.query.js";

export async function getMe(ctx: IdentityContext, userId: string): Promise<Account> {
  const state = await requireAccount(ctx.events, userId);
  const vault = ctx.platform.vault;
  await settleViewer(ctx, userId);
  const [profile] = await renderProfiles(ctx, userId, [fromState(state)], [NO_RELATION]);
  return create(AccountSchema, {
    userId,
    email: (await unseal(vault, state.email)) ?? "",
    phone: (await unseal(vault, state.phone)) ?? "",
    birthDate: (await unseal(vault, state.birthDate)) ?? "",
    admin: isAdmin(ctx.config, state),
    profile,
    usernameChangedAt: state.usernameChangedAt && timestampFromDate(state.usernameChangedAt),
  });
}
