// Song ownership screens: the market (songs with offerings), buying from an offering, a song's
// order book (live over the WebSocket while watched), placing and cancelling orders, the
// portfolio with royalties, and the artist's offering form.
import { newKey, request } from "./api";
import type { Book, Offering, Order, Portfolio, Purchase, RoyaltyClaim, ShareRegister, ShareTrade, Song } from "./api";
import { field, h, replace } from "./dom";
import { onLive } from "./live";
import { busy, fmtTime, notice, onClick, onSubmit, refreshers, session, showError, trimMoney } from "./ui";

const usd = (m: string) => `$${trimMoney(m)}`;
const pct = (bps: number) => `${trimMoney((bps / 100).toFixed(2))}%`;
const th = (label: string) => h("th", { scope: "col" }, label);

/** watched is the song whose book this tab watches (one at a time). */
let watched: string | null = null;

async function watch(songID: string | null): Promise<void> {
  if (watched === songID) return;
  const before = watched;
  watched = songID;
  if (before) await request(`/ownership/songs/${before}/watch`, { method: "DELETE" }).catch(() => undefined);
  if (songID) await request(`/ownership/songs/${songID}/watch`, { method: "PUT" });
}

export async function marketView(): Promise<HTMLElement> {
  const list = h("table", { "data-testid": "market" });
  const detail = h("section", { class: "card", "aria-live": "polite", "data-testid": "song-market" }, h("p", { class: "muted" }, "Pick a song to see its book."));
  let current: string | null = null;
  let refreshBook: (() => Promise<void>) | null = null;
  const load = async () => {
    const page = await request<{ items: Offering[] }>("/ownership/offerings?limit=50");
    replace(
      list,
      h("caption", {}, "Songs with shares"),
      h("thead", {}, h("tr", {}, th("Song"), th("Offering"), th("Price / share"), th("Shares left"), th("Holders' cut"), th(""))),
      h(
        "tbody",
        {},
        ...(page.items.length
          ? page.items.map((o) =>
              h(
                "tr",
                { "data-song": o.song_id },
                h("th", { scope: "row" }, o.song_title || o.song_id),
                h("td", {}, h("span", { class: `badge ${o.status}` }, o.status)),
                h("td", {}, usd(o.price_per_share)),
                h("td", {}, `${o.shares_left} of ${o.shares_for_sale}`),
                h("td", {}, `${pct(o.shareholder_bps)} of each listen`),
                h("td", {}, h("button", { type: "button", "aria-label": `Trade ${o.song_title}`, onclick: onClick(() => show(o.song_id)) }, "Trade")),
              ),
            )
          : [h("tr", {}, h("td", { colspan: 6, class: "muted" }, "No song is offered yet. Artists offer shares from the studio."))]),
      ),
    );
  };
  const show = async (songID: string) => {
    current = songID;
    await watch(songID);
    const m = await songMarket(songID);
    refreshBook = m.refresh;
    replace(detail, m.el);
  };
  await load();
  const off = onLive((ev) => {
    if (!detail.isConnected) {
      off();
      void watch(null);
      return;
    }
    const p = ev.payload as { song_id?: string } | null;
    if (ev.type.startsWith("ownership.") && current && p?.song_id === current && refreshBook) void refreshBook().catch(showError);
    if (ev.type.startsWith("ownership.offering") || ev.type.startsWith("ownership.shares_purchased")) void load().catch(showError);
  });
  return h("div", { class: "grid two" }, h("section", { class: "card" }, h("h1", {}, "Market"), list), detail);
}

/** songMarket is one song's register, offering purchase, book, trades and order form. */
async function songMarket(songID: string): Promise<{ el: HTMLElement; refresh: () => Promise<void> }> {
  const read = () =>
    Promise.all([
      request<ShareRegister>(`/ownership/songs/${songID}`),
      request<Book>(`/ownership/songs/${songID}/book?levels=10`),
      request<{ trades: ShareTrade[] }>(`/ownership/songs/${songID}/trades?limit=10`),
    ]);
  const [reg, book0, trades0] = await read();
  const o = reg.offering;
  const mine = o?.artist_user_id === session.me?.id;
  const summary = h("p", {});
  const liveBadge = h("span", { class: "live live", "data-testid": "book-live" }, "watching live");
  const bookGrid = h("div", { class: "grid two" });
  const tradeList = h("ul", { "aria-label": "Recent trades" });

  // buy from the offering
  let buy: HTMLElement | null = null;
  const offerLeft = h("p", { class: "muted", "data-testid": "offering-left" });
  if (o && o.status === "open" && !mine) {
    const shares = h("input", { type: "number", name: "shares", min: o.min_purchase_shares, max: Math.min(o.shares_left, o.max_shares_per_holder), value: String(o.min_purchase_shares), required: true });
    const cost = h("small", { "aria-live": "polite" });
    const price = Number(o.price_per_share);
    const update = () => (cost.textContent = `Costs ${usd((Number(shares.value) * price).toFixed(6))} from your USD balance.`);
    shares.addEventListener("input", update);
    update();
    const out = h("p", { "data-testid": "purchase-status", "aria-live": "polite" });
    buy = h(
      "form",
      {
        "aria-labelledby": "buy-title",
        onsubmit: onSubmit(async () => {
          const p = await request<Purchase>(`/ownership/offerings/${o.id}/purchases`, { body: { shares: Number(shares.value) }, idempotencyKey: newKey() });
          out.textContent = `Bought ${p.shares} shares for ${usd(p.total)}.`;
          notice(out.textContent);
        }),
      },
      h("h3", { id: "buy-title" }, "Buy from the offering"),
      offerLeft,
      field("Shares", shares),
      h("p", {}, cost),
      h("button", { type: "submit" }, "Buy shares"),
      out,
    );
  }

  const levels = (book: Book, side: "bids" | "asks") =>
    h(
      "table",
      { "data-testid": `book-${side}` },
      h("caption", {}, side === "bids" ? "Bids (buy)" : "Asks (sell)"),
      h("thead", {}, h("tr", {}, th("Price"), th("Shares"), th("Orders"))),
      h(
        "tbody",
        {},
        ...(book[side].length
          ? book[side].map((l) => h("tr", {}, h("td", {}, usd(l.price)), h("td", { "data-testid": "level-shares" }, l.shares), h("td", {}, l.orders)))
          : [h("tr", {}, h("td", { colspan: 3, class: "muted" }, "empty"))]),
      ),
    );
  const paint = (r: ShareRegister, book: Book, trades: { trades: ShareTrade[] }) => {
    const ro = r.offering;
    if (ro) offerLeft.textContent = `${ro.shares_left} shares left at ${usd(ro.price_per_share)} (at least ${ro.min_purchase_shares}, at most ${ro.max_shares_per_holder} per holder).`;
    summary.textContent = `Last price ${usd(r.last_price)} · ${r.holders} holders · holders get ${pct(r.shareholder_bps)} of each paid listen · 24 h: ${r.trades_24h} trades, ${usd(r.volume_24h)} · royalties in ${usd(r.royalties_accrued)}`;
    replace(bookGrid, levels(book, "bids"), levels(book, "asks"));
    replace(tradeList, ...(trades.trades.length ? trades.trades.map((t) => h("li", {}, `${t.shares} @ ${usd(t.price)} · ${fmtTime(t.at)}`)) : [h("li", { class: "muted" }, "No trades yet.")]));
  };
  paint(reg, book0, trades0);
  const refresh = async () => {
    const [r, b, t] = await read();
    paint(r, b, t);
    liveBadge.textContent = `updated live ${new Date().toLocaleTimeString()}`;
  };

  // place an order
  const side = h("select", { name: "side" }, h("option", { value: "buy" }, "Buy"), h("option", { value: "sell" }, "Sell"));
  const oShares = h("input", { type: "number", name: "shares", min: 1, max: 10000, value: "10", required: true });
  const limit = h("input", { type: "text", name: "limit_price", inputmode: "decimal", required: true, value: trimMoney(reg.last_price), pattern: "[0-9]+(\\.[0-9]{1,6})?", size: 10 });
  const tif = h("select", { name: "time_in_force" }, h("option", { value: "GTC" }, "Good till cancelled"), h("option", { value: "IOC" }, "Immediate or cancel"));
  const orderOut = h("p", { "data-testid": "order-status", "aria-live": "polite" });
  const order = h(
    "form",
    {
      "aria-labelledby": "order-title",
      onsubmit: onSubmit(async () => {
        const r = await request<Order>("/ownership/orders", {
          body: { song_id: songID, side: side.value, shares: Number(oShares.value), limit_price: limit.value.trim(), time_in_force: tif.value },
          idempotencyKey: newKey(),
        });
        orderOut.textContent = `Order ${r.side} ${r.shares} @ ${usd(r.limit_price)}: ${r.status.replace("_", " ")}${r.filled_shares ? ` (${r.filled_shares} filled)` : ""}.`;
      }),
    },
    h("h3", { id: "order-title" }, "Place a limit order"),
    h("div", { class: "row" }, field("Side", side), field("Shares", oShares), field("Limit price (USD)", limit), field("Time in force", tif)),
    h("button", { type: "submit" }, "Place order"),
    orderOut,
  );

  const el = h(
    "div",
    {},
    h("h2", {}, reg.title || songID, " ", liveBadge),
    summary,
    buy,
    bookGrid,
    h("h3", {}, "Recent trades"),
    tradeList,
    order,
  );
  return { el, refresh };
}

export async function portfolioView(): Promise<HTMLElement> {
  const holdings = h("table", { "data-testid": "portfolio" });
  const orders = h("table", { "data-testid": "my-orders" });
  const claimOut = h("p", { "aria-live": "polite", "data-testid": "royalty-claim" });
  let claimable = "0";
  const loadPortfolio = async () => {
    const p = await request<Portfolio>("/user/portfolio");
    claimable = p.totals.royalties_claimable;
    replace(
      holdings,
      h("caption", {}, "My shares"),
      h("thead", {}, h("tr", {}, th("Song"), th("Shares"), th("Pool"), th("Avg cost"), th("Last"), th("Value"), th("Royalties earned"), th("Claimable"), th("Open orders"))),
      h(
        "tbody",
        {},
        ...(p.holdings.length
          ? p.holdings.map((x) =>
              h(
                "tr",
                { "data-song": x.song_id },
                h("th", { scope: "row" }, x.title),
                h("td", {}, x.shares),
                h("td", {}, `${x.pool_percent}%`),
                h("td", {}, usd(x.average_cost)),
                h("td", {}, usd(x.last_price)),
                h("td", {}, usd(x.market_value)),
                h("td", { "data-testid": "royalties-earned" }, usd(x.royalties_earned)),
                h("td", {}, usd(x.royalties_claimable)),
                h("td", {}, x.open_orders),
              ),
            )
          : [h("tr", {}, h("td", { colspan: 9, class: "muted" }, "No shares yet: buy some on the market."))]),
        h("tr", { class: "total" }, h("th", { scope: "row" }, "Total"), h("td", { colspan: 4 }), h("td", {}, usd(p.totals.market_value)), h("td", { "data-testid": "total-royalties" }, usd(p.totals.royalties_earned)), h("td", {}, usd(p.totals.royalties_claimable)), h("td", {})),
      ),
    );
  };
  const titles = new Map<string, string>();
  const loadOrders = async () => {
    const [r, market] = await Promise.all([
      request<{ orders: Order[] }>("/ownership/orders?limit=50"),
      titles.size ? null : request<{ items: Offering[] }>("/ownership/offerings?limit=100"),
    ]);
    market?.items.forEach((o) => titles.set(o.song_id, o.song_title));
    replace(
      orders,
      h("caption", {}, "My orders"),
      h("thead", {}, h("tr", {}, th("When"), th("Song"), th("Side"), th("Shares"), th("Filled"), th("Limit"), th("Status"), th(""))),
      h(
        "tbody",
        {},
        ...(r.orders.length
          ? r.orders.map((o) => {
              const open = o.status === "open" || o.status === "partially_filled";
              return h(
                "tr",
                { "data-order": o.id },
                h("td", {}, fmtTime(o.created_at)),
                h("td", {}, titles.get(o.song_id) ?? h("code", {}, o.song_id.slice(0, 8))),
                h("td", {}, o.side),
                h("td", {}, o.shares),
                h("td", {}, o.filled_shares),
                h("td", {}, usd(o.limit_price)),
                h("td", { "data-testid": "order-state" }, o.status.replace("_", " ") + (o.cancel_reason && o.cancel_reason !== "cancelled" ? ` (${o.cancel_reason})` : "")),
                h(
                  "td",
                  {},
                  open
                    ? h("button", { type: "button", "aria-label": `Cancel ${o.side} order of ${o.shares}`, onclick: onClick(async () => {
                        await request<Order>(`/ownership/orders/${o.id}`, { method: "DELETE" });
                        notice("Order cancelled.");
                        await Promise.all([loadOrders(), loadPortfolio()]);
                      }) }, "Cancel")
                    : null,
                ),
              );
            })
          : [h("tr", {}, h("td", { colspan: 8, class: "muted" }, "No orders yet."))]),
      ),
    );
  };
  await Promise.all([loadPortfolio(), loadOrders()]);
  refreshers.push(() => void Promise.all([loadPortfolio(), loadOrders()]).catch(showError));
  const claim = h("button", { type: "button", onclick: (ev: Event) => void busy(ev.currentTarget as HTMLButtonElement, async () => {
    if (Number(claimable) <= 0) {
      claimOut.textContent = "Nothing to claim yet.";
      return;
    }
    const c = await request<RoyaltyClaim>("/ownership/royalties/claim", { method: "POST", idempotencyKey: newKey() });
    claimOut.textContent = `Claimed ${usd(c.total)} of royalties to your USD balance.`;
    await loadPortfolio();
  }) }, "Claim royalties");
  return h(
    "div",
    {},
    h("section", { class: "card" }, h("h1", {}, "Portfolio"), holdings, h("div", { class: "row" }, claim), claimOut),
    h("section", { class: "card" }, orders),
  );
}

/** offeringSection is the artist's "offer shares of a song" form and their offerings. */
export async function offeringSection(published: Song[]): Promise<HTMLElement> {
  const mine = h("ul", { "aria-label": "My offerings", "data-testid": "my-offerings" });
  const load = async () => {
    const page = await request<{ items: Offering[] }>("/ownership/offerings?limit=100");
    const own = page.items.filter((o) => o.artist_user_id === session.me?.id);
    replace(
      mine,
      ...(own.length
        ? own.map((o) =>
            h(
              "li",
              { "data-song": o.song_id },
              h("strong", {}, o.song_title), ` · ${o.status} · ${o.shares_sold} of ${o.shares_for_sale} sold at ${usd(o.price_per_share)} · holders get ${pct(o.shareholder_bps)} · you keep ${o.artist_shares} shares `,
              o.status === "open" || o.status === "scheduled"
                ? h("button", { type: "button", class: "link", onclick: onClick(async () => {
                    await request<Offering>(`/ownership/offerings/${o.id}/close`, { method: "POST" });
                    await load();
                  }) }, "Close offering")
                : null,
            ),
          )
        : [h("li", { class: "muted" }, "No offering yet.")]),
    );
  };
  await load();
  const song = h("select", { name: "song_id", required: true }, ...published.map((s) => h("option", { value: s.id }, s.title)));
  const cut = h("input", { type: "number", name: "shareholder_percent", min: 0.01, max: 50, step: "0.01", value: "20", required: true });
  const forSale = h("input", { type: "number", name: "shares_for_sale", min: 100, max: 9900, value: "2000", required: true });
  const price = h("input", { type: "text", name: "price_per_share", inputmode: "decimal", value: "0.01", required: true, pattern: "[0-9]+(\\.[0-9]{1,6})?", size: 10 });
  const out = h("p", { "aria-live": "polite", "data-testid": "offering-status" });
  const form = h(
    "form",
    {
      "aria-labelledby": "offer-title",
      onsubmit: onSubmit(async () => {
        const o = await request<Offering>("/ownership/offerings", {
          body: { song_id: song.value, shareholder_bps: Math.round(Number(cut.value) * 100), shares_for_sale: Number(forSale.value), price_per_share: price.value.trim() },
        });
        out.textContent = `Offering of ${o.song_title} ${o.status}: ${o.shares_for_sale} shares at ${usd(o.price_per_share)}.`;
        await load();
      }),
    },
    h("h2", { id: "offer-title" }, "Offer shares"),
    published.length ? null : h("p", { class: "muted" }, "Publish a song first."),
    field("Song", song),
    h(
      "div",
      { class: "row" },
      field("Holders' cut (% of each listen)", cut),
      field("Shares for sale (of 10,000)", forSale),
      field("Price per share (USD)", price),
    ),
    h("button", { type: "submit", disabled: !published.length }, "Open offering"),
    out,
    mine,
  );
  return form;
}
