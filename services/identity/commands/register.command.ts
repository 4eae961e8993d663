// Register: claim the username and the contact (reservation streams, "no stream"), then
// write the account, then start a session. A failure after the claims releases them.
// A retried request (same request id) finds its own claims and answers as the first
// did, with a fresh token pair — but only for the same password.
import { ContactKind } from "@flick/contracts/flick/events/v1/identity_pb";
import { AlreadyExistsError, handleCommand, ValidationError, withReservations } from "@flick/kernel";
import { readAccount, unseal } from "../accounts.js";
import { accountCodec, streams, toEncryptedField } from "../events.js";
import type { IdentityContext } from "../identity.context.js";
import type { Contact } from "../security/contacts.js";
import { checkUsername } from "../usernames.js";
import { accountDecider, sealingContext, type AccountState } from "./account.decider.js";
import { contactKind, usernameHolder, usernameKind } from "./reservations.js";
import { startSession, type SessionOutcome } from "./sessions.command.js";

export interface RegisterInput {
  requestId: string;
  contact: Contact;
  password: string;
  username: string;
  displayName: string;
  /** YYYY-MM-DD or "". */
  birthDate: string;
  peer: string;
}

/** Age in whole years on `at`, or a ValidationError for an impossible or future date. */
function checkBirthDate(birthDate: string, at: Date, minAge: number): void {
  if (!birthDate) return;
  const [y, m, d] = birthDate.split("-").map(Number) as [number, number, number];
  const born = new Date(Date.UTC(y, m - 1, d));
  if (born.getUTCFullYear() !== y || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d) {
    throw ValidationError.field("birth_date", "is not a calendar date");
  }
  if (born.getTime() > at.getTime()) throw ValidationError.field("birth_date", "is in the future");
  let age = at.getUTCFullYear() - y;
  if (at.getUTCMonth() < m - 1 || (at.getUTCMonth() === m - 1 && at.getUTCDate() < d)) age--;
  if (age < minAge) throw ValidationError.field("birth_date", `users must be at least ${minAge} years old`);
}

export async function register(ctx: IdentityContext, input: RegisterInput): Promise<{ userId: string } & SessionOutcome> {
  const { config, events, platform } = ctx;
  const at = ctx.now();
  await ctx.limiter.hit("1h", `signup:${ctx.digester.digestText("address", input.peer)}`, config.FLICK_SIGNUP_LIMIT_PER_ADDRESS);
  checkUsername(input.username);
  checkBirthDate(input.birthDate, at, config.FLICK_MIN_AGE_YEARS);

  const holder = await usernameHolder(events, input.username);
  const retry = holder.userId !== undefined && holder.claimedByRequest === input.requestId;
  if (holder.userId !== undefined && !retry) throw new AlreadyExistsError("username");
  const userId = retry ? holder.userId! : platform.ids.next("usr");

  let account: AccountState;
  const existing = retry ? await readAccount(events, userId) : undefined;
  if (existing && existing.state.status !== "none") {
    // The first try got as far as the account: same password, same answer.
    const stored = await unseal(platform.vault, existing.state.passwordHash);
    if (existing.state.status !== "active" || !stored || !(await ctx.hasher.verify(input.password, stored))) {
      throw new AlreadyExistsError("username");
    }
    account = existing.state;
  } else {
    const seal = async (field: "email" | "phone" | "password_hash" | "birth_date", value: string) =>
      toEncryptedField(await platform.vault.encrypt(userId, value, sealingContext.registration(field, userId)));
    const digestHex = ctx.digester.digest(input.contact);
    const claim = { owner: userId, requestId: input.requestId, at, metadata: { actor: userId } };
    // Claims first: of N concurrent registrations of one name, the losers stop here,
    // before spending a password hash or creating a data key.
    const result = await withReservations(
      events,
      [
        { ...claim, kind: usernameKind(input.username), stream: streams.username(input.username) },
        { ...claim, kind: contactKind(input.contact.kind, Buffer.from(digestHex, "hex")), stream: streams.contact(digestHex) },
      ],
      async () => {
        const passwordHash = await seal("password_hash", await ctx.hasher.hash(input.password));
        const email = input.contact.kind === ContactKind.EMAIL ? await seal("email", input.contact.value) : undefined;
        const phone = input.contact.kind === ContactKind.PHONE ? await seal("phone", input.contact.value) : undefined;
        const birthDate = input.birthDate ? await seal("birth_date", input.birthDate) : undefined;
        return handleCommand(events, {
          stream: streams.account(userId),
          decider: accountDecider,
          command: { type: "Register", userId, username: input.username, displayName: input.displayName, email, phone, passwordHash, birthDate, at },
          requestId: input.requestId,
          metadata: { actor: userId },
          codec: accountCodec,
        });
      },
    );
    account = result.state;
    ctx.ryw.note(userId, result.checkpoint);
  }
  const session = await startSession(ctx, account, input.requestId, "");
  ctx.ryw.note(userId, session.checkpoint);
  return { userId, ...session };
}
