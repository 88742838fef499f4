/**
 * One transaction on one pooled connection. While a client is checked out the pool does not
 * listen for its errors, so a connection that dies between two statements would otherwise raise
 * an unhandled 'error' event and crash the process; here it is caught, the client is destroyed
 * instead of returned, and the transaction's promise rejects.
 */
import type { Pool, PoolClient } from 'pg';

export type TxMode = 'read write' | 'read only snapshot';

const BEGIN: Record<TxMode, string> = {
  'read write': 'BEGIN',
  'read only snapshot': 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
};

export async function inTransaction<T>(pool: Pool, mode: TxMode, body: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  function onClientError(error: Error): void {
    broken = error;
  }
  client.on('error', onClientError);
  try {
    await client.query(BEGIN[mode]);
    const result = await body(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (!broken) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
    }
    throw error;
  } finally {
    client.removeListener('error', onClientError);
    // A client released with an error is closed and not reused.
    client.release(broken ?? false);
  }
}
