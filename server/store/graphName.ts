/**
 * Graph names become file names under the store directory, so they are
 * checked against a strict pattern: no dots, slashes or other characters that
 * could escape the directory or hide a file.
 */
export const GRAPH_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Revisions are content hashes; checked before they become a file name too. */
export const REVISION_PATTERN = /^[0-9a-f]{16}$/;

export function isValidGraphName(name: unknown): name is string {
  return typeof name === 'string' && GRAPH_NAME_PATTERN.test(name);
}

export function isValidRevision(revision: unknown): revision is string {
  return typeof revision === 'string' && REVISION_PATTERN.test(revision);
}
