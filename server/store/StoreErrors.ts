/** The client edited an older revision than the one stored: it must reload and merge. */
export class StaleRevisionError extends Error {
  constructor(
    readonly graphName: string,
    readonly currentRevision: string,
  ) {
    super(
      `graph '${graphName}' was changed since the revision you edited; current revision is ${currentRevision}`,
    );
    this.name = 'StaleRevisionError';
  }
}

export class GraphNotFoundError extends Error {
  constructor(
    readonly graphName: string,
    what = `graph '${graphName}'`,
  ) {
    super(`${what} not found`);
    this.name = 'GraphNotFoundError';
  }
}

export class GraphExistsError extends Error {
  constructor(readonly graphName: string) {
    super(`graph '${graphName}' already exists`);
    this.name = 'GraphExistsError';
  }
}

/**
 * The file exists but cannot be used as a graph: not JSON (a hand edit in
 * progress, say) or nested too deep to handle. Carries the revision so a
 * client can overwrite it.
 */
export class GraphFileError extends Error {
  constructor(
    readonly graphName: string,
    readonly revision: string,
    /** Completes "graph 'x' on disk …": `is not valid JSON: …`. */
    problem: string,
  ) {
    super(`graph '${graphName}' on disk ${problem}`);
    this.name = 'GraphFileError';
  }
}
