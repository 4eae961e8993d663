// Username rules beyond the proto's pattern (2–24 of letters, digits, '.', '_'):
// case-insensitive uniqueness (streams and lookups use the lower-case form), at least one
// letter or digit, no trailing dot, and names people would mistake for the platform's
// own are refused.
import { ValidationError } from "@flick/kernel";

export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  "admin", "administrator", "root", "system", "sysadmin", "superuser",
  "flick", "flickapp", "flick_app", "flick.app", "flickofficial", "flick_official", "official",
  "support", "help", "helpdesk", "contact", "info", "security", "abuse", "legal", "privacy", "terms",
  "moderator", "moderators", "mod", "mods", "staff", "team", "owner",
  "api", "www", "web", "app", "mail", "email", "noreply", "no_reply", "postmaster", "webmaster",
  "login", "logout", "signin", "signup", "register", "settings", "account", "accounts",
  "me", "you", "null", "undefined", "anonymous", "everyone", "here", "all",
  "explore", "discover", "foryou", "for_you", "following", "friends", "live", "inbox", "search", "trending",
]);

/** Why a well-formed username cannot be taken, or undefined when it can. */
export function usernameProblem(username: string): string | undefined {
  if (!/^[A-Za-z0-9._]{2,24}$/.test(username)) return "must be 2–24 letters, digits, '.' or '_'";
  if (!/[A-Za-z0-9]/.test(username)) return "must contain a letter or a digit";
  if (username.endsWith(".")) return "must not end with '.'";
  if (RESERVED_USERNAMES.has(username.toLowerCase())) return "is reserved";
  return undefined;
}

export function checkUsername(username: string, field = "username"): void {
  const problem = usernameProblem(username);
  if (problem) throw ValidationError.field(field, problem);
}
