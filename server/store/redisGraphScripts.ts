/**
 * The graph store's writes as Lua scripts: Redis runs each one alone, so the
 * revision check, the write, the version history and the announcement on the
 * channel happen together or not at all — two workers saving the same
 * revision cannot both win, and no write goes unannounced.
 *
 * The clock is Redis's (TIME, to the microsecond), so versions saved by
 * different workers, or quickly one after another, sort by one clock.
 */

/** Makes `text` the current version of a graph and prunes the history. Keys: index, graph, versions, versionTexts. */
const WRITE_CURRENT = `
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end

local function writeCurrent(index, graph, versions, texts, name, revision, text, ms, maxVersions)
  redis.call('HSET', graph, 'revision', revision, 'text', text, 'updatedAtMs', ms)
  redis.call('HSET', index, name, revision)
  redis.call('ZADD', versions, ms, revision)
  redis.call('HSET', texts, revision, text)
  local excess = redis.call('ZCARD', versions) - maxVersions
  if excess > 0 then
    local old = redis.call('ZRANGE', versions, 0, excess - 1)
    redis.call('ZREMRANGEBYRANK', versions, 0, excess - 1)
    redis.call('HDEL', texts, unpack(old))
  end
end
`;

/**
 * KEYS: index, graph, versions, versionTexts.
 * ARGV: name, mode (create | update | restore), expectedRevision, revision, text, maxVersions, channel, worker.
 * For `restore` the text is the stored version's, read here, so it is restored byte for byte.
 * Returns `{'ok', revision, updatedAtMs, text}`, `{'exists'}`, `{'missing'}`, `{'stale', current}` or `{'no-version'}`.
 */
export const WRITE_GRAPH_SCRIPT = `${WRITE_CURRENT}
local name, mode, expected, revision, text = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local current = redis.call('HGET', KEYS[1], name)
if mode == 'create' then
  if current then return {'exists'} end
elseif mode == 'update' then
  if not current then return {'missing'} end
  if current ~= expected then return {'stale', current} end
elseif mode == 'restore' then
  text = redis.call('HGET', KEYS[4], revision)
  if not text then return {'no-version'} end
else
  return redis.error_reply('unknown write mode ' .. mode)
end
local ms = nowMs()
writeCurrent(KEYS[1], KEYS[2], KEYS[3], KEYS[4], name, revision, text, ms, tonumber(ARGV[6]))
redis.call('PUBLISH', ARGV[7], cjson.encode({name = name, revision = revision, worker = ARGV[8]}))
return {'ok', revision, string.format('%.3f', ms), text}
`;

/**
 * KEYS: index, graph. ARGV: name, channel, worker. The versions stay, so a deleted graph can be restored.
 * Returns `{'ok'}` or `{'missing'}`.
 */
export const REMOVE_GRAPH_SCRIPT = `
local name = ARGV[1]
if redis.call('HEXISTS', KEYS[1], name) == 0 then return {'missing'} end
redis.call('HDEL', KEYS[1], name)
redis.call('DEL', KEYS[2])
redis.call('PUBLISH', ARGV[2], cjson.encode({name = name, worker = ARGV[3]}))
return {'ok'}
`;

/**
 * Fills an empty store once, however many workers start together: the first
 * script to run sets the `seeded` marker, the others find it and do nothing.
 * KEYS: index, seeded, then graph, versions, versionTexts per graph.
 * ARGV: maxVersions, channel, worker, then name, revision, text, updatedAtMs per graph.
 * Returns how many graphs were imported (graphs already present are kept).
 */
export const SEED_GRAPHS_SCRIPT = `${WRITE_CURRENT}
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local imported = 0
local count = (#ARGV - 3) / 4
for i = 0, count - 1 do
  local name, revision, text, ms = ARGV[4 + i * 4], ARGV[5 + i * 4], ARGV[6 + i * 4], tonumber(ARGV[7 + i * 4])
  if redis.call('HEXISTS', KEYS[1], name) == 0 then
    writeCurrent(KEYS[1], KEYS[3 + i * 3], KEYS[4 + i * 3], KEYS[5 + i * 3], name, revision, text, ms, tonumber(ARGV[1]))
    redis.call('PUBLISH', ARGV[2], cjson.encode({name = name, revision = revision, worker = ARGV[3]}))
    imported = imported + 1
  end
end
redis.call('SET', KEYS[2], ARGV[3])
return imported
`;
