/**
 * Which kinds of abuse each surface gets: WebSocket surfaces all get the
 * framing violations, connection abuse and framing controls, plus their own
 * protocol's malformed messages; REST gets bodies, paths and raw HTTP.
 */

import { liveListDriver, liveSessionDriver } from './drivers/liveDrivers.ts';
import { pipecatDriver } from './drivers/pipecatDriver.ts';
import { realtimeDriver } from './drivers/realtimeDriver.ts';
import { twilioDriver } from './drivers/twilioDriver.ts';
import type { WsDriver } from './drivers/WsDriver.ts';
import type { CaseKind } from './FuzzCase.ts';
import type { Surface } from './fuzzConfig.ts';
import { connectionAbuseKinds } from './generators/connectionAbuse.ts';
import { floodKinds } from './generators/floods.ts';
import { frameViolationKinds } from './generators/frameViolations.ts';
import { liveMessageKinds } from './generators/liveMessages.ts';
import { pipecatAudioKinds } from './generators/pipecatAudio.ts';
import { pipecatMessageKinds } from './generators/pipecatMessages.ts';
import { rawHttpKinds } from './generators/rawHttp.ts';
import { realtimeEventKinds } from './generators/realtimeEvents.ts';
import { restRequestKinds } from './generators/restRequests.ts';
import { twilioMessageKinds } from './generators/twilioMessages.ts';
import { twilioWebhookKinds } from './generators/twilioWebhook.ts';
import { validFramingKinds } from './generators/validFraming.ts';

function socketKinds(drivers: readonly WsDriver[]): CaseKind[] {
  return [
    ...frameViolationKinds(drivers),
    ...connectionAbuseKinds(drivers),
    ...validFramingKinds(drivers),
    ...floodKinds(drivers),
  ];
}

export const SURFACE_KINDS: Record<Surface, () => CaseKind[]> = {
  pipecat: () => [
    ...socketKinds([pipecatDriver]),
    ...pipecatMessageKinds(),
    ...pipecatAudioKinds(),
  ],
  realtime: () => [...socketKinds([realtimeDriver]), ...realtimeEventKinds()],
  twilio: () => [...socketKinds([twilioDriver]), ...twilioMessageKinds(), ...twilioWebhookKinds()],
  live: () => [...socketKinds([liveListDriver, liveSessionDriver]), ...liveMessageKinds()],
  rest: () => [...restRequestKinds(), ...rawHttpKinds()],
};
