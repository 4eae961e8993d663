// Opaque scan cursors: the clustering values of the last row returned, tagged so bigint,
// Date and bytes survive JSON, then base64url. Callers must not build or read them.

type Tagged = { b: string } | { d: string } | { x: string } | { v: unknown };

export function encodeCursor(values: readonly unknown[]): string {
  const tagged: Tagged[] = values.map((v) => {
    if (typeof v === "bigint") return { b: v.toString() };
    if (v instanceof Date) return { d: v.toISOString() };
    if (v instanceof Uint8Array) return { x: Buffer.from(v).toString("hex") };
    return { v };
  });
  return Buffer.from(JSON.stringify(tagged)).toString("base64url");
}

export function decodeCursor(cursor: string, expectedLength: number): unknown[] {
  let tagged: unknown;
  try {
    tagged = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new TypeError("invalid scan cursor");
  }
  if (!Array.isArray(tagged) || tagged.length !== expectedLength) throw new TypeError("invalid scan cursor");
  return tagged.map((t: Record<string, unknown>) => {
    if ("b" in t) return BigInt(t.b as string);
    if ("d" in t) return new Date(t.d as string);
    if ("x" in t) return new Uint8Array(Buffer.from(t.x as string, "hex"));
    return t.v;
  });
}
