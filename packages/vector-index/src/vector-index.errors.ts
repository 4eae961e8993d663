// Errors a caller can act on. They are programming or configuration mistakes (a
// projection writing vectors of the wrong size, two services disagreeing on a
// collection), so they fail fast with a message that names the collection and the numbers.

export class DimensionMismatchError extends Error {
  constructor(
    readonly collection: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`vector collection "${collection}" has dimension ${expected}, got a vector of dimension ${actual}`);
    this.name = "DimensionMismatchError";
  }
}

export class InvalidVectorError extends Error {
  constructor(collection: string, reason: string) {
    super(`vector collection "${collection}": ${reason}`);
    this.name = "InvalidVectorError";
  }
}

/** ensureCollection found the collection with another dimension or metric. */
export class CollectionMismatchError extends Error {
  constructor(name: string, existing: string, wanted: string) {
    super(`vector collection "${name}" exists as ${existing}, asked for ${wanted}: drop it (and rebuild its projection) to change it`);
    this.name = "CollectionMismatchError";
  }
}
