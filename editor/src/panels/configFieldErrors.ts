/** Maps validator issues (`nodes[3].config.stopMs`) onto the config form's top-level keys. */
import type { GraphIssue } from '#engine/browser';

export function configFieldErrors(
  issues: readonly GraphIssue[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues ?? []) {
    if (issue.code !== 'invalid-config') continue;
    const match = /\.config\.([^.[]+)(.*)$/.exec(issue.path);
    const key = match?.[1] ?? '';
    // The message repeats node and path for the Problems panel; the form only needs the reason.
    const reason = issue.message.replace(/^node '[^']*': config(\.[^:]*)?: /, '');
    const nested = match?.[2] ? `${match[2].replace(/^\./, '')}: ` : '';
    out[key] = out[key] ? `${out[key]}; ${nested}${reason}` : `${nested}${reason}`;
  }
  return out;
}
