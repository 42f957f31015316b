// Shared screen helpers: API errors shown with their message, notices, busy buttons, the
// signed-in user, and the refreshers the live feed calls on every event.
import { ApiError, request } from "./api";
import type { Artist, Song, User } from "./api";

const toast = document.getElementById("toast")!;

/** The signed-in user (null when signed out) and the card setup from /health. */
export const session: { me: User | null; cardPayments: string } = { me: null, cardPayments: "unknown" };

/** refreshers re-read what the current screen shows; the live feed calls them on every event. */
export const refreshers: Array<() => void> = [];

export function showError(err: unknown): void {
  const text = err instanceof ApiError ? `${err.message} (${err.code})` : err instanceof Error ? err.message : String(err);
  toast.textContent = text;
  toast.hidden = false;
  toast.className = "toast error";
  window.clearTimeout((toast as unknown as { t?: number }).t);
  (toast as unknown as { t?: number }).t = window.setTimeout(() => (toast.hidden = true), 8000);
}

export function notice(text: string): void {
  toast.textContent = text;
  toast.hidden = false;
  toast.className = "toast ok";
  window.clearTimeout((toast as unknown as { t?: number }).t);
  (toast as unknown as { t?: number }).t = window.setTimeout(() => (toast.hidden = true), 4000);
}

/** busy disables a button while fn runs and shows API errors with their message. */
export async function busy(btn: HTMLButtonElement | null, fn: () => Promise<void>): Promise<void> {
  if (btn) btn.disabled = true;
  try {
    await fn();
  } catch (err) {
    showError(err);
  } finally {
    if (btn) btn.disabled = false;
  }
}

export function submitter(ev: Event): HTMLButtonElement | null {
  return ((ev as SubmitEvent).submitter as HTMLButtonElement | null) ?? null;
}

/** onClick wraps a click handler in busy (the clicked button is disabled while it runs). */
export const onClick = (fn: () => Promise<void>) => (ev: Event) => void busy(ev.currentTarget as HTMLButtonElement, fn);

/** onSubmit wraps a form handler in busy (no page reload, the submit button disabled). */
export const onSubmit = (fn: () => Promise<void>) => (ev: Event) => {
  ev.preventDefault();
  void busy(submitter(ev), fn);
};

export const isArtist = () => !!session.me?.roles.includes("artist");
export const fmtSeconds = (ms: number | null) => (ms == null ? "—" : `${Math.round(ms / 1000)} s`);
export const trimMoney = (m: string) => m.replace(/(\.\d*?[1-9])0+$/, "$1").replace(/\.0+$/, "");
export const fmtTime = (iso: string) => new Date(iso).toLocaleString();
/** toISO turns a datetime-local value (the browser's zone) into an RFC 3339 UTC time. */
export const toISO = (local: string) => new Date(local).toISOString();
/** localInput formats a Date for a datetime-local input (the browser's zone, to the second). */
export function localInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** myPublishedSongs lists the signed-in artist's published songs (for offerings and campaigns). */
export async function myPublishedSongs(): Promise<Song[]> {
  const artist = await request<Artist>("/music/artists/me");
  const page = await request<{ items: Song[] }>(`/music/songs?artist_id=${artist.id}&limit=100`);
  return page.items.filter((s) => s.published);
}
