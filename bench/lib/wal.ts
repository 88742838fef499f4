/**
 * What the store writes per event: the WAL frames a measured batch appends, read from outside the
 * server process. A second connection holds a read transaction open across the batch, so no
 * checkpoint can copy those frames back and no writer can restart the WAL: the frames the batch
 * wrote stay in the file, in order, between two values of the WAL index's mxFrame (the -shm file).
 * Each frame's header names its page; the dbstat table names the b-tree a page belongs to. A
 * frame is one page image (page size + 24 bytes), written again by every commit that touches it.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import Database from 'better-sqlite3';

/** The fields of SQLite's WAL index header (first 48 bytes of the -shm file) and checkpoint info. */
interface WalIndex {
  readonly pageSize: number;
  readonly mxFrame: number;
  readonly salt: string;
  readonly nBackfill: number;
}

/**
 * Reads the index through a descriptor held for the whole window: closing any descriptor of the
 * -shm file drops every POSIX lock this process holds on it, the reader's read lock included
 * (then a checkpoint could restart the WAL under the measurement).
 */
function readWalIndex(shmFd: number): WalIndex {
  const shm = Buffer.alloc(136);
  readSync(shmFd, shm, 0, shm.length, 0);
  // Native byte order (little-endian on every machine this runs on).
  const sz = shm.readUInt16LE(14);
  return {
    pageSize: sz === 1 ? 65_536 : sz,
    mxFrame: shm.readUInt32LE(16),
    salt: `${shm.readUInt32LE(32)}:${shm.readUInt32LE(36)}`,
    nBackfill: shm.readUInt32LE(96),
  };
}

export interface WalFigures {
  readonly events: number;
  readonly frames: number;
  readonly pageSize: number;
  readonly walBytesPerEvent: number;
  readonly framesPerEvent: number;
  /** Distinct pages the batch wrote, per event (a page written by several commits counts once). */
  readonly distinctPagesPerEvent: number;
  /** Frames of index b-trees (including a table's implicit PRIMARY KEY / UNIQUE indexes) per event. */
  readonly indexFramesPerEvent: number;
  readonly indexDistinctPagesPerEvent: number;
  /** Frames and distinct pages per event by b-tree name (table or index). */
  readonly byBtree: Record<string, { framesPerEvent: number; distinctPagesPerEvent: number; index: boolean }>;
}

export interface WalWindow {
  /** Ends the read transaction and reads the frames appended since start(). */
  finish(events: number): WalFigures | { readonly error: string };
}

/**
 * Starts the window. `poke` makes the server write once (one request): a reader that starts when
 * the WAL is fully checkpointed reads the database file alone and would not hold the WAL, so the
 * start is retried after a write until some frame is not yet copied back.
 */
export async function startWalWindow(dbPath: string, poke: () => Promise<void>): Promise<WalWindow> {
  const reader = new Database(dbPath, { readonly: true, fileMustExist: true });
  const shmFd = openSync(`${dbPath}-shm`, 'r');
  let start: WalIndex | null = null;
  for (let attempt = 0; attempt < 20 && start === null; attempt++) {
    await poke();
    reader.exec('BEGIN');
    reader.prepare('SELECT COUNT(*) FROM schema_migrations').get();
    const index = readWalIndex(shmFd);
    if (index.mxFrame > 0 && index.nBackfill < index.mxFrame) start = index;
    else reader.exec('COMMIT');
  }
  if (start === null) {
    reader.close();
    closeSync(shmFd);
    return { finish: () => ({ error: 'could not hold the WAL open (every start found it checkpointed)' }) };
  }
  const from = start;
  return {
    finish(events: number) {
      const end = readWalIndex(shmFd);
      try {
        if (end.salt !== from.salt) return { error: 'the WAL was restarted during the window' };
        // Inside the read transaction the frames cannot be overwritten while they are read; the
        // pages they name are looked up after it, in the snapshot that has the batch's new pages.
        const pagesWritten = framePages(dbPath, from, end);
        reader.exec('COMMIT');
        return walFigures(reader, pagesWritten, from, end, events);
      } finally {
        if (reader.inTransaction) reader.exec('COMMIT');
        reader.close();
        closeSync(shmFd);
      }
    },
  };
}

/** How many frames of the window wrote each page. */
function framePages(dbPath: string, from: WalIndex, to: WalIndex): Map<number, number> {
  const frameSize = from.pageSize + 24;
  const pagesWritten = new Map<number, number>();
  const fd = openSync(`${dbPath}-wal`, 'r');
  try {
    const header = Buffer.alloc(4);
    for (let frame = from.mxFrame + 1; frame <= to.mxFrame; frame++) {
      readSync(fd, header, 0, 4, 32 + (frame - 1) * frameSize);
      const page = header.readUInt32BE(0);
      pagesWritten.set(page, (pagesWritten.get(page) ?? 0) + 1);
    }
  } finally {
    closeSync(fd);
  }
  return pagesWritten;
}

function walFigures(db: Database.Database, pagesWritten: Map<number, number>, from: WalIndex, to: WalIndex, events: number): WalFigures {
  const frameSize = from.pageSize + 24;
  const frames = to.mxFrame - from.mxFrame;
  const indexes = new Set(db.prepare<[], string>(`SELECT name FROM sqlite_schema WHERE type = 'index'`).pluck().all());
  const owner = new Map<number, string>();
  for (const row of db.prepare<[], { name: string; pageno: number }>('SELECT name, pageno FROM dbstat').all())
    owner.set(row.pageno, row.name);
  const byBtree: WalFigures['byBtree'] = {};
  let indexFrames = 0;
  let indexPages = 0;
  const tally = new Map<string, { frames: number; pages: number }>();
  for (const [page, count] of pagesWritten) {
    // Page 1 is the schema's root and the file header (change counter, free list): SQLite rewrites it on every commit that grows the file.
    const name = owner.get(page) ?? (page === 1 ? 'sqlite_schema (page 1)' : '(free or new page)');
    const t = tally.get(name) ?? { frames: 0, pages: 0 };
    t.frames += count;
    t.pages += 1;
    tally.set(name, t);
  }
  for (const [name, t] of [...tally.entries()].sort((a, b) => b[1].frames - a[1].frames)) {
    const index = indexes.has(name);
    if (index) {
      indexFrames += t.frames;
      indexPages += t.pages;
    }
    byBtree[name] = { framesPerEvent: t.frames / events, distinctPagesPerEvent: t.pages / events, index };
  }
  return {
    events,
    frames,
    pageSize: from.pageSize,
    walBytesPerEvent: (frames * frameSize) / events,
    framesPerEvent: frames / events,
    distinctPagesPerEvent: pagesWritten.size / events,
    indexFramesPerEvent: indexFrames / events,
    indexDistinctPagesPerEvent: indexPages / events,
    byBtree,
  };
}
