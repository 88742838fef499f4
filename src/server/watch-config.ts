/** Watch the config's folder (editors replace files by rename) and debounce bursts of events. */
import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';

export function watchConfig(file: string, onChange: () => void): FSWatcher | null {
  const abs = path.resolve(file);
  let timer: NodeJS.Timeout | null = null;
  try {
    const watcher = watch(path.dirname(abs), { persistent: false }, function onEvent(_type, name) {
      if (name !== null && name !== path.basename(abs)) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(onChange, 200);
    });
    watcher.on('error', () => watcher.close());
    return watcher;
  } catch {
    return null;
  }
}
