/**
 * RTVI messages (the JSON protocol of Pipecat clients), as far as Parley
 * speaks it. Shapes follow @pipecat-ai/client-js 1.13 (RTVI 2.1).
 */
export const RTVI_LABEL = 'rtvi-ai';
export const RTVI_PROTOCOL_VERSION = '2.1.0';

export interface RtviMessage {
  label: typeof RTVI_LABEL;
  type: string;
  id: string;
  data?: unknown;
}

let nextId = 1;

/** A server-initiated message; answers reuse the id of the message they answer. */
export function rtvi(type: string, data?: unknown, id?: string): RtviMessage {
  return {
    label: RTVI_LABEL,
    type,
    id: id ?? `parley-${(nextId++).toString(36)}`,
    ...(data === undefined ? {} : { data }),
  };
}

export function rtviError(error: string, fatal = false): RtviMessage {
  // `message` is the pre-2.0 field name; older clients read it.
  return rtvi('error', { error, fatal, message: error });
}

export function rtviErrorResponse(id: string, error: string): RtviMessage {
  return rtvi('error-response', { error, message: error }, id);
}

/** Parses a client message; undefined when it is not an RTVI message object. */
export function parseRtvi(value: unknown): { type: string; id: string; data: unknown } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { label, type, id, data } = value as Record<string, unknown>;
  if (label !== RTVI_LABEL || typeof type !== 'string' || type.length === 0 || type.length > 100)
    return undefined;
  return { type, id: typeof id === 'string' && id.length <= 200 ? id : '', data };
}
