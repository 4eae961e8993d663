// One handle per structure spec and store. A handle is stateless (the store's connection,
// the spec, and SQL text or key prefixes worked out from the spec), and building one cost
// more than most reads it then served: callers ask for it per request (GetForYouFeed ~8
// times a page), and the closures and strings of each were ~13 % of the bytes a page
// allocated that outlived the young generation (bench:feed:server's heap profile).

/** `make` once per spec object (specs are the module-level constants callers define). */
export function perSpec<S extends object, H>(make: (spec: S) => H): (spec: S) => H {
  const made = new WeakMap<S, H>();
  return (spec) => {
    let handle = made.get(spec);
    if (handle === undefined) {
      handle = make(spec);
      made.set(spec, handle);
    }
    return handle;
  };
}
