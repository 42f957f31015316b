// Campaign screens: the artist creates a campaign boosting the listen rewards of their songs,
// funds it (activation holds the VIBE budget), pauses, resumes and ends it, and reads its
// analytics; listeners see which songs are boosted now.
import { request } from "./api";
import type { BoostedSong, Campaign, CampaignAnalytics, Song } from "./api";
import { field, h, replace } from "./dom";
import { fmtTime, localInput, notice, onClick, onSubmit, refreshers, showError, toISO, trimMoney } from "./ui";

const th = (label: string) => h("th", { scope: "col" }, label);
const endReasons: Record<NonNullable<Campaign["end_reason"]>, string> = {
  artist: "ended by you, the rest of the budget given back",
  schedule: "its end date passed",
  budget_exhausted: "the budget is spent",
  not_started: "ended before it started",
};

/** boostedSongs maps song id -> the boost a listen earns now (for the catalog's badges). */
export async function boostedSongs(): Promise<Map<string, BoostedSong>> {
  const page = await request<{ items: BoostedSong[] }>("/campaigns/boosted-songs");
  return new Map(page.items.map((b) => [b.song_id, b]));
}

export function boostBadge(b: BoostedSong | undefined): HTMLElement | null {
  return b ? h("span", { class: "badge boost", "data-testid": "boost", title: `until ${fmtTime(b.ends_at)}` }, `${b.boost}× rewards`) : null;
}

export async function campaignsView(published: Song[]): Promise<HTMLElement> {
  const list = h("div", { "data-testid": "campaigns" });
  const titles = new Map(published.map((s) => [s.id, s.title]));
  const load = async () => {
    const page = await request<{ items: Campaign[] }>("/campaigns?limit=50");
    replace(list, ...(page.items.length ? page.items.map(campaignCard) : [h("p", { class: "muted" }, "No campaign yet.")]));
    // a scheduled campaign starts on its date (the lifecycle job): look again shortly
    window.clearTimeout(again);
    if (page.items.some((c) => c.status === "scheduled")) again = window.setTimeout(() => list.isConnected && void load().catch(showError), 1500);
  };
  let again: number | undefined;
  const campaignCard = (c: Campaign): HTMLElement => {
    const analytics = h("div", { "data-testid": "analytics" });
    const act = (label: string, path: string, when: boolean) =>
      when
        ? h("button", { type: "button", onclick: onClick(async () => {
            const r = await request<Campaign>(`/campaigns/${c.id}/${path}`, { method: "POST" });
            notice(`Campaign ${r.name}: ${r.status}.`);
            await load();
          }) }, label)
        : null;
    const showAnalytics = async () => {
      const a = await request<CampaignAnalytics>(`/campaigns/${c.id}/analytics`);
      replace(
        analytics,
        h("p", {}, `Boosted listens ${a.boosted_listens} · unique listeners ${a.unique_listeners} · spent ${trimMoney(a.spent)} VIBE · cost per listen ${trimMoney(a.cost_per_listen)} VIBE`),
        a.per_day.length
          ? h(
              "table",
              {},
              h("caption", {}, "Per UTC day"),
              h("thead", {}, h("tr", {}, th("Day"), th("Listens"), th("Listeners"), th("Spent"), th("Per listen"))),
              h("tbody", {}, ...a.per_day.map((d) => h("tr", {}, h("td", {}, d.day), h("td", {}, d.boosted_listens), h("td", {}, d.unique_listeners), h("td", {}, trimMoney(d.spent)), h("td", {}, trimMoney(d.cost_per_listen))))),
            )
          : null,
      );
    };
    void showAnalytics().catch(showError);
    return h(
      "article",
      { class: "campaign", "data-campaign": c.id, "aria-label": `Campaign ${c.name}` },
      h("h3", {}, c.name, " ", h("span", { class: `badge ${c.status}`, "data-testid": "campaign-status" }, c.status), c.end_reason ? h("small", { class: "muted" }, ` (${endReasons[c.end_reason]})`) : null),
      h(
        "p",
        {},
        `${c.boost}× rewards on ${c.song_ids.map((id) => titles.get(id) ?? id.slice(0, 8)).join(", ")} · ${fmtTime(c.starts_at)} → ${fmtTime(c.ends_at)} · budget ${trimMoney(c.budget)} VIBE, spent ${trimMoney(c.spent)}, left `,
        h("span", { "data-testid": "remaining" }, trimMoney(c.remaining)),
      ),
      h(
        "div",
        { class: "row" },
        act("Fund and activate", "activate", c.status === "draft"),
        act("Pause", "pause", c.status === "active"),
        act("Resume", "resume", c.status === "paused"),
        act("End", "end", c.status === "active" || c.status === "paused" || c.status === "scheduled"),
      ),
      analytics,
    );
  };
  await load();
  refreshers.push(() => void load().catch(showError));

  const name = h("input", { name: "name", required: true, minlength: 3, maxlength: 100 });
  const songs = h("select", { name: "song_ids", multiple: true, required: true, size: Math.min(5, Math.max(2, published.length)) }, ...published.map((s, i) => h("option", { value: s.id, selected: i === 0 }, s.title)));
  const starts = h("input", { type: "datetime-local", name: "starts_at", step: 1, required: true, value: localInput(new Date(Date.now() + 60_000)) });
  const days = h("input", { type: "number", name: "days", min: 1, max: 90, value: "7", required: true });
  const boost = h("input", { type: "number", name: "boost", min: 1, max: 10, step: "0.1", value: "2", required: true });
  const budget = h("input", { type: "text", name: "budget", inputmode: "decimal", value: "10", required: true, pattern: "[0-9]+(\\.[0-9]{1,9})?" });
  const form = h(
    "form",
    {
      "aria-labelledby": "new-campaign",
      onsubmit: onSubmit(async () => {
        const start = toISO(starts.value);
        const end = new Date(new Date(start).getTime() + Number(days.value) * 86_400_000).toISOString();
        const c = await request<Campaign>("/campaigns", {
          body: { name: name.value, song_ids: Array.from(songs.selectedOptions).map((o) => o.value), starts_at: start, ends_at: end, boost: boost.value, budget: budget.value.trim() },
        });
        notice(`Draft campaign ${c.name} created: fund it to start.`);
        name.value = "";
        await load();
      }),
    },
    h("h2", { id: "new-campaign" }, "New campaign"),
    published.length ? null : h("p", { class: "muted" }, "Publish a song first."),
    field("Campaign name", name),
    field("Songs", songs, "your published songs (Ctrl/Shift to pick several)"),
    h("div", { class: "row" }, field("Starts", starts), field("Runs for (days)", days), field("Reward boost (×)", boost), field("Budget (VIBE)", budget, "held from your VIBE balance when funded")),
    h("button", { type: "submit", disabled: !published.length }, "Create draft"),
  );
  return h("div", { class: "grid two" }, h("section", { class: "card" }, h("h1", {}, "Campaigns"), form), h("section", { class: "card" }, h("h2", {}, "My campaigns"), list));
}
