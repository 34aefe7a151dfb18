import { type GraphMigration, isJsonObject, type JsonObject } from './GraphMigration.ts';

/** Version 1 timed the VAD in seconds; version 2 uses milliseconds, like every other duration. */
const MS_KEY_OF: Readonly<Record<string, string>> = {
  startSecs: 'startMs',
  stopSecs: 'stopMs',
  pauseSecs: 'pauseMs',
};
const SECONDS_KEY_OF: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(MS_KEY_OF).map(([seconds, ms]) => [ms, seconds]),
);

/**
 * A number becomes whole milliseconds (the new keys are integers). Anything
 * else moves to the new key unchanged, so validation names the key the
 * document now has.
 */
function toMs(value: unknown): unknown {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value * 1000) : value;
}

/**
 * Renamed in place: the keys keep their order, so a migrated file diffs
 * cleanly. Built with `fromEntries`, which defines every key as data (a
 * `__proto__` key stays a key, as JSON.parse made it).
 */
function migrateVadConfig(config: JsonObject): JsonObject {
  return Object.fromEntries(
    Object.entries(config).flatMap(([key, value]): Array<[string, unknown]> => {
      if (Object.hasOwn(MS_KEY_OF, key)) return [[MS_KEY_OF[key], toMs(value)]];
      // In version 1 only the seconds key was read; a stray ms key beside it meant nothing.
      const stray =
        Object.hasOwn(SECONDS_KEY_OF, key) && Object.hasOwn(config, SECONDS_KEY_OF[key]);
      return stray ? [] : [[key, value]];
    }),
  );
}

function migrateNode(node: unknown): unknown {
  if (!isJsonObject(node) || typeof node.type !== 'string' || !node.type.startsWith('vad.')) {
    return node;
  }
  if (!isJsonObject(node.config)) return node;
  return { ...node, config: migrateVadConfig(node.config) };
}

/** v1 → v2: on `vad.*` nodes, `startSecs`/`stopSecs`/`pauseSecs` become `…Ms`, × 1000. */
export const vadSecondsToMs: GraphMigration = {
  from: 1,
  change: 'VAD durations in ms: startSecs, stopSecs, pauseSecs → startMs, stopMs, pauseMs',
  upgrade: (document) => {
    if (!Array.isArray(document.nodes)) return document;
    return { ...document, nodes: document.nodes.map(migrateNode) };
  },
};
