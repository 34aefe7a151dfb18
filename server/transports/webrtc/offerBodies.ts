import { checkOfferSdp } from './sdpLimits.ts';

/** A SmallWebRTC offer (design §1.2), checked. */
export interface OfferBody {
  sdp: string;
  pcId: string | undefined;
  restartPc: boolean;
  /** `requestData.graph` (or `request_data.graph`) when the client sent one. */
  graph: unknown;
}

/** One trickled candidate; an empty `candidate` is the end-of-candidates marker. */
export interface CandidateBody {
  candidate: string;
  sdpMid: string | undefined;
  sdpMLineIndex: number | undefined;
}

export const OFFER_LIMITS = {
  maxPcIdChars: 100,
  maxCandidatesPerPatch: 50,
  maxCandidateChars: 1024,
} as const;

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parsePcId(value: unknown): Parsed<string | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (typeof value !== 'string' || value.length === 0 || value.length > OFFER_LIMITS.maxPcIdChars)
    return {
      ok: false,
      error: `pc_id must be null or a string of 1–${OFFER_LIMITS.maxPcIdChars} characters`,
    };
  return { ok: true, value };
}

/** Checks a POST body field by field, so the 400 names what is wrong. */
export function parseOfferBody(body: unknown): Parsed<OfferBody> {
  if (!isObject(body))
    return { ok: false, error: 'body must be a JSON object (Content-Type: application/json)' };
  if (body.sdp === undefined) return { ok: false, error: 'sdp is missing' };
  const sdpProblem = checkOfferSdp(body.sdp);
  if (sdpProblem) return { ok: false, error: sdpProblem };
  if (body.type !== 'offer') return { ok: false, error: 'type must be "offer"' };
  const pcId = parsePcId(body.pc_id);
  if (!pcId.ok) return pcId;
  if (body.restart_pc !== undefined && typeof body.restart_pc !== 'boolean')
    return { ok: false, error: 'restart_pc must be a boolean' };
  const requestData = body.requestData ?? body.request_data;
  if (requestData !== undefined && requestData !== null && !isObject(requestData))
    return { ok: false, error: 'requestData must be an object' };
  return {
    ok: true,
    value: {
      sdp: body.sdp as string,
      pcId: pcId.value,
      restartPc: body.restart_pc === true,
      graph: isObject(requestData) ? requestData.graph : undefined,
    },
  };
}

/** Checks a PATCH body: `{ pc_id, candidates: [{ candidate, sdp_mid, sdp_mline_index }] }`. */
export function parseCandidatesBody(
  body: unknown,
): Parsed<{ pcId: string; candidates: CandidateBody[] }> {
  if (!isObject(body))
    return { ok: false, error: 'body must be a JSON object (Content-Type: application/json)' };
  const pcId = parsePcId(body.pc_id);
  if (!pcId.ok) return pcId;
  if (pcId.value === undefined) return { ok: false, error: 'pc_id is missing' };
  const list = body.candidates;
  if (!Array.isArray(list)) return { ok: false, error: 'candidates must be an array' };
  if (list.length > OFFER_LIMITS.maxCandidatesPerPatch)
    return {
      ok: false,
      error: `candidates has more than ${OFFER_LIMITS.maxCandidatesPerPatch} entries`,
    };
  const candidates: CandidateBody[] = [];
  for (const [i, item] of list.entries()) {
    if (!isObject(item)) return { ok: false, error: `candidates[${i}] must be an object` };
    const { candidate, sdp_mid: mid, sdp_mline_index: index } = item;
    if (typeof candidate !== 'string' || candidate.length > OFFER_LIMITS.maxCandidateChars)
      return {
        ok: false,
        error: `candidates[${i}].candidate must be a string of at most ${OFFER_LIMITS.maxCandidateChars} characters`,
      };
    if (mid !== undefined && mid !== null && (typeof mid !== 'string' || mid.length > 16))
      return { ok: false, error: `candidates[${i}].sdp_mid must be a short string` };
    if (
      index !== undefined &&
      index !== null &&
      !(typeof index === 'number' && Number.isInteger(index) && index >= 0)
    )
      return { ok: false, error: `candidates[${i}].sdp_mline_index must be an integer ≥ 0` };
    candidates.push({
      candidate,
      sdpMid: typeof mid === 'string' ? mid : undefined,
      sdpMLineIndex: typeof index === 'number' ? index : undefined,
    });
  }
  return { ok: true, value: { pcId: pcId.value, candidates } };
}
