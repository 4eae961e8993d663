export { loadConfig, type Config, type Profile } from "./config.js";
export { callerKey, peerAddressKey, shutdownKey, type Caller, type Role } from "./auth/caller.js";
export {
  JWT_ALGORITHM,
  TokenSigner,
  TokenVerifier,
  InvalidTokenError,
  loadTokenKeys,
  publicJwks,
  ephemeralKeys,
  type TokenKeys,
  type TokenSettings,
} from "./auth/tokens.js";
export { createApp, serve, register, type App, type AppOptions, type HttpRoute, type RunningServer, type ServiceRegistration } from "./app.js";
export { accessOf } from "./interceptors/auth.interceptor.js";
export { toConnectError } from "./interceptors/errors.interceptor.js";
export { HealthState } from "./builtin/health.js";
