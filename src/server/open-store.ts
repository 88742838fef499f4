/** Opening the store for serving: idle-connection failures are logged, never thrown. */
import type { Logger } from 'pino';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';

/** The open store, or the reason it could not be opened (never the URL: it may hold a password). */
export async function openServingStore(url: string, logger: Logger): Promise<Store | { readonly error: string }> {
  try {
    return await openStore(url, {
      postgres: {
        onIdleError: function idleConnectionFailed(error: Error) {
          logger.warn({ error: error.message }, 'idle PostgreSQL connection failed; the pool opens a new one when needed');
        },
      },
    });
  } catch (err) {
    // Neither the store nor the driver puts the URL in a message.
    const error = (err as Error).message;
    logger.error({ error }, 'store could not be opened');
    return { error };
  }
}
