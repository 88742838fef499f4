/**
 * An at-most-once delivery (routine) whose worker went away after marking it as sending: the
 * request may have reached the target and started a run, and nobody recorded the answer. Both
 * backends end it the same way, dead `unknown` with this error on an attempt of its own.
 */
export const LOST_SEND_ERROR =
  "the request may have been sent, but its answer was never recorded (the process stopped, or the store could not be written); a routine may have started a run, so it is not sent again (replay is a person's decision)";
