// One place that binds htm to preact, so every module writes markup the same way.
import htm from './htm.js';
import { h } from './preact.js';

export const html = htm.bind(h);
