/** Redaction of free text (service messages, log lines) before it reaches logs or users. Plain Node. */
import { redactUrl } from '../core/redact';

/** A text with every URL in it cut to its safe form (no query string: SAS signatures, no credentials). */
export function redactUrlsIn(text: string): string {
  return text.replace(/https?:\/\/[^\s"'<>]+/g, (url) => redactUrl(url));
}
