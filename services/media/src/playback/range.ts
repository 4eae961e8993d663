// HTTP Range (RFC 9110 §14) for one byte range. Several ranges in one request are
// answered with the whole object (allowed, and players never ask for multipart).

export type RangeResult =
  | { kind: "none" }
  | { kind: "ok"; start: number; end: number }
  | { kind: "unsatisfiable" };

export function parseRange(header: string | undefined, size: number): RangeResult {
  if (!header) return { kind: "none" };
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!m) return { kind: "none" };
  const specs = m[1]!.split(",").map((s) => s.trim()).filter(Boolean);
  if (specs.length !== 1) return { kind: "none" };
  const r = /^(\d*)\s*-\s*(\d*)$/.exec(specs[0]!);
  if (!r || (r[1] === "" && r[2] === "")) return { kind: "none" };
  if (r[1] === "") {
    // Suffix range: the last N bytes.
    const n = Number(r[2]);
    if (n === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "ok", start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(r[1]);
  const end = r[2] === "" ? size - 1 : Math.min(Number(r[2]), size - 1);
  if (r[2] !== "" && Number(r[2]) < start) return { kind: "none" }; // invalid syntax: ignore
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "ok", start, end };
}
