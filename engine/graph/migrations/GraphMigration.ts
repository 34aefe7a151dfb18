/** A JSON object as parsed: what a migration step reads and returns. */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One change of the graph document format: upgrades a document written in
 * version `from` to version `from + 1`. Pure: returns a new document and
 * leaves its input alone. It must cope with documents that are not valid
 * graphs (they are migrated before they are validated) by leaving what it
 * does not recognise as it is.
 */
export interface GraphMigration {
  from: number;
  /** What changed, for readers of the list. */
  change: string;
  /** `migrateGraph` sets the new `version` on what this returns. */
  upgrade(document: JsonObject): JsonObject;
}
