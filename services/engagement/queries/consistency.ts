// Read-your-writes through the API's consistency_token: the checkpoint a command returned.
// A query given one waits, bounded, until the read models it reads have processed it, and
// says whether they did (caught_up).
import { ValidationError } from "@flick/kernel";
import type { ReadModel } from "../../platform/platform.js";
import type { EngagementContext } from "../engagement.context.js";

export const CONSISTENCY_WAIT_MS = 3_000;

export async function awaitToken(ctx: EngagementContext, token: string, models: readonly ReadModel[]): Promise<boolean> {
  if (!token) return true;
  try {
    ctx.events.compareCheckpoints(token, token);
  } catch {
    throw ValidationError.field("consistency_token", "not a token returned by a command");
  }
  const reached = await Promise.all(models.map((m) => m.waitFor(token, CONSISTENCY_WAIT_MS)));
  return reached.every(Boolean);
}
