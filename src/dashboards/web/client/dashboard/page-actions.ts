import { authHeaders } from '../core/api-key';
import { copyText } from '../core/clipboard';
import { downloadText } from '../core/download';

/**
 * The dashboard header's actions. "Copy link" copies the page URL as it stands: the filters that
 * differ from their defaults and every tile's drill-down live in it (filter-state.ts,
 * drill-state.ts), so whoever opens the link sees the same view. "Export YAML" downloads the
 * dashboard as a file `rapport check` accepts.
 */
export function mountPageActions(root: HTMLElement, dashboard: string): void {
  const copy = root.querySelector<HTMLButtonElement>('[data-action="copy-link"]');
  const exportYaml = root.querySelector<HTMLButtonElement>('[data-action="export-yaml"]');
  const say = (button: HTMLButtonElement, text: string) => {
    const before = button.dataset.label ?? button.textContent ?? '';
    button.dataset.label = before;
    button.textContent = text;
    setTimeout(() => {
      button.textContent = before;
    }, 2000);
  };
  copy?.addEventListener('click', async () => {
    const link = window.location.href;
    copy.dataset.link = link;
    try {
      await copyText(link);
      say(copy, 'Link copied');
    } catch {
      // The link stays readable in the prompt when the browser refuses the clipboard.
      window.prompt('Copy this link', link);
    }
  });
  exportYaml?.addEventListener('click', async () => {
    const r = await fetch(`/v1/dashboards/${encodeURIComponent(dashboard)}/yaml`, { headers: authHeaders() });
    if (!r.ok) return say(exportYaml, `Export failed (${r.status})`);
    downloadText(await r.text(), `${dashboard}.yml`, 'application/yaml');
  });
}
