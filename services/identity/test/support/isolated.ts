// Moved to services/test/isolated.ts (shared by every context's tests); kept as an alias.
export * from "../../../test/isolated.js";
