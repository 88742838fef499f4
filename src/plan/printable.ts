/**
 * Text from a request (a dedup key, an event type, a header value) printed to a terminal: control
 * characters are shown as escapes, so a sender cannot move the cursor, recolour the screen or
 * forge lines in an operator's terminal.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Newlines and tabs are kept (bodies are printed over several lines); every other control character is escaped. */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** For one-line fields: newlines and tabs escaped too. */
export function printableLine(text: string): string {
  return printable(text.replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t'));
}
