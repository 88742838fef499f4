/**
 * The text a routine fire carries. The trigger takes at most 65,536 characters of `text`; a
 * grouped map over hundreds of events passes that easily. Rather than lose the fire (a person
 * would then have to replay by hand what the router could have sent), the text is cut to fit,
 * ending in a marker the routine sees, and the caller logs a warning with the original length.
 */

export const ROUTINE_TEXT_LIMIT = 65_536;

export interface RoutineText {
  readonly text: string;
  /** The length before cutting, or null when the text fit. */
  readonly truncatedFrom: number | null;
}

function marker(length: number): string {
  return `\n[hookgate: text truncated to ${ROUTINE_TEXT_LIMIT} of ${length} characters]`;
}

/** A string as is, anything else as compact JSON; cut with a visible marker beyond the limit. */
export function routineText(mapped: unknown): RoutineText {
  const text = typeof mapped === 'string' ? mapped : JSON.stringify(mapped);
  if (text.length <= ROUTINE_TEXT_LIMIT) return { text, truncatedFrom: null };
  const tail = marker(text.length);
  let end = ROUTINE_TEXT_LIMIT - tail.length;
  // Never split a surrogate pair: the cut text must stay valid UTF-16.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return { text: text.slice(0, end) + tail, truncatedFrom: text.length };
}

/** The warning logged beside a truncated fire. */
export function truncationWarning(truncatedFrom: number): string {
  return `routine text of ${truncatedFrom} characters truncated to the trigger's limit of ${ROUTINE_TEXT_LIMIT}`;
}
