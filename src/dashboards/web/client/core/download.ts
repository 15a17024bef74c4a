/** Starts a download of `url` (same origin or a data/blob URL) under `filename`. */
export function download(url: string, filename: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function downloadText(text: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  download(url, filename);
  // The click has started the download by the next task; the URL can go.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** A file name made of safe characters: `sales-executive-revenue_by_region.png`. */
export function fileName(...parts: string[]): string {
  return parts.map((p) => p.replace(/[^a-zA-Z0-9_.-]+/g, '-')).join('-');
}
