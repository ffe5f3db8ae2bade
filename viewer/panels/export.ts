/**
 * Exports of what a panel shows: its table as CSV (RFC 4180, csv.ts) and its canvas as PNG, saved
 * through a download link. The app's PNG and CSV buttons use these with `panel.table()` and
 * `panel.canvas()`.
 */
import type { Panel, PanelTable } from './panel.js';
import { tableToCsv as csvOf } from './csv.js';

/** The table as CSV text: header row first, CRLF line ends, numbers at full precision. */
export function tableToCsv(table: PanelTable): string {
  return csvOf(table);
}

/** The table as a CSV file's contents. */
export function csvBlob(table: PanelTable): Blob {
  return new Blob([tableToCsv(table)], { type: 'text/csv;charset=utf-8' });
}

/** Saves a blob under `name` (a temporary link clicked; the object URL is released afterwards). */
export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The canvas as a PNG (device pixels, as drawn). */
export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob === null ? reject(new Error('the canvas could not be encoded as PNG (is it empty or too large?)')) : resolve(blob)), 'image/png');
  });
}

/** A file name for a panel's export: memspike-<id>-<UTC time>.<ext>. */
export function exportName(id: string, ext: 'csv' | 'png', when: Date = new Date()): string {
  const stamp = when.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[:]/g, '-');
  return `memspike-${id}-${stamp}.${ext}`;
}

/** Downloads a panel's table as CSV. */
export function downloadCsv(panel: Panel): void {
  download(exportName(panel.id, 'csv'), csvBlob(panel.table()));
}

/** Downloads a panel's drawing as PNG. */
export async function downloadPng(panel: Panel): Promise<void> {
  const canvas = await panel.canvas();
  download(exportName(panel.id, 'png'), await canvasToPng(canvas));
}
