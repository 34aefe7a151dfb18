/** Escapes text for an XML attribute value. */
export function xmlAttr(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * TwiML that connects the call to a bidirectional Media Stream. Twilio does not
 * pass query strings on the stream URL, so everything the stream needs (graph,
 * ticket, greeting) travels as `<Parameter>`s and comes back in `start.customParameters`.
 */
export function connectStreamTwiml(streamUrl: string, parameters: Record<string, string>): string {
  const params = Object.entries(parameters)
    .map(([name, value]) => `<Parameter name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="${xmlAttr(streamUrl)}">${params}</Stream></Connect></Response>`;
}
