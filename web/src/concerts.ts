// VR concert screens: upcoming concerts and tickets (with the age gate: a birthdate set once
// through the API, then a zero-knowledge age proof made by the platform and handed to the
// ticket purchase as is), my tickets with their access passes and check-in status, and for
// artists: creating a concert, its attendance, and checking passes in at the door.
import { newKey, request } from "./api";
import type { AgeProof, Artist, Attendance, Concert, HeldTicket, Ticket, User } from "./api";
import { field, h, replace } from "./dom";
import { fmtTime, isArtist, localInput, notice, onClick, onSubmit, refreshers, session, showError, toISO, trimMoney } from "./ui";

const price = (c: Concert) => (Number(c.ticket_price) > 0 ? `$${trimMoney(c.ticket_price)}` : "free");

export async function concertsView(): Promise<HTMLElement> {
  const upcoming = h("div", { "data-testid": "upcoming-concerts" });
  const tickets = h("div", { "data-testid": "my-tickets" });
  const gate = h("div", { "aria-live": "polite", "data-testid": "age-gate" });

  const loadUpcoming = async () => {
    const page = await request<{ items: Concert[] }>("/music/concerts?upcoming=true&limit=50");
    replace(
      upcoming,
      ...(page.items.length
        ? page.items.map((c) =>
            h(
              "article",
              { class: "concert", "data-concert": c.id, "aria-label": c.title },
              h("h3", {}, c.title, c.min_age ? h("span", { class: "badge" }, ` ${c.min_age}+`) : null),
              h("p", {}, `${fmtTime(c.starts_at)} · ${c.duration_minutes} min · ${price(c)} · ${c.tickets_left} of ${c.capacity} left`),
              h("button", { type: "button", disabled: c.tickets_left === 0, "aria-label": `Buy a ticket for ${c.title}`, onclick: onClick(() => buy(c)) }, c.tickets_left ? "Buy ticket" : "Sold out"),
            ),
          )
        : [h("p", { class: "muted" }, "No upcoming concert.")]),
    );
  };

  const loadTickets = async () => {
    const page = await request<{ items: HeldTicket[] }>("/music/tickets?limit=50");
    replace(
      tickets,
      ...(page.items.length
        ? page.items.map((t) =>
            h(
              "article",
              { class: "ticket", "data-ticket": t.id, "aria-label": `Ticket for ${t.concert.title}` },
              h("h3", {}, t.concert.title, " ", h("span", { class: `badge ${t.status}`, "data-testid": "ticket-status" }, t.status)),
              h(
                "p",
                {},
                `${fmtTime(t.concert.starts_at)} · paid ${price({ ...t.concert, ticket_price: t.price })} · `,
                h("strong", { "data-testid": "checkin-status" }, t.checked_in ? "checked in" : "not checked in"),
              ),
              t.pass
                ? h(
                    "div",
                    {},
                    field("Access pass (show it to the VR venue)", h("textarea", { readonly: true, rows: 3, "data-testid": "pass" }, t.pass), `valid from ${fmtTime(new Date(new Date(t.concert.starts_at).getTime() - 3_600_000).toISOString())} to ${fmtTime(t.concert.ends_at)}`),
                    h("a", { href: t.concert.venue_url, target: "_blank", rel: "noopener" }, "Open the venue"),
                  )
                : null,
            ),
          )
        : [h("p", { class: "muted" }, "No tickets yet.")]),
    );
  };

  /** buy buys a ticket; a concert with an age limit first needs a birthdate and an age proof. */
  const buy = async (c: Concert) => {
    let body: Record<string, unknown> | undefined;
    if (c.min_age) {
      if (!session.me?.birthdate) {
        askBirthdate(c);
        return;
      }
      replace(gate, h("p", {}, `Proving you are at least ${c.min_age} (zero-knowledge proof; your birthdate is not shared)…`));
      const p = await request<AgeProof>("/zk/age-proofs", { body: { min_age_years: c.min_age } });
      replace(gate, h("p", { "data-testid": "age-proof" }, `Age proof made: at least ${c.min_age} years old (circuit ${p.circuit}, verifying key ${p.verifying_key_id}).`));
      body = { age_proof: { circuit: p.circuit, proof: p.proof, public_inputs: p.public_inputs, attestation: p.attestation } };
    }
    const t = await request<Ticket>(`/music/concerts/${c.id}/tickets`, { method: "POST", body, idempotencyKey: newKey() });
    notice(`Ticket ${t.status} for ${c.title}: your access pass is under My tickets.`);
    await Promise.all([loadUpcoming(), loadTickets()]);
  };

  const askBirthdate = (c: Concert) => {
    const date = h("input", { type: "date", name: "birthdate", required: true, max: new Date().toISOString().slice(0, 10) });
    replace(
      gate,
      h(
        "form",
        {
          "aria-labelledby": "age-title",
          onsubmit: onSubmit(async () => {
            session.me = await request<User>("/users/me", { method: "PATCH", body: { birthdate: date.value } });
            replace(gate, h("p", {}, "Birthdate saved."));
            await buy(c);
          }),
        },
        h("h2", { id: "age-title" }, "Age check"),
        h("p", {}, `${c.title} is for ${c.min_age}+. Set your birthdate once: it stays with your account, and concerts only receive a zero-knowledge proof that you are old enough.`),
        field("Birthdate", date),
        h("button", { type: "submit" }, "Save and buy"),
      ),
    );
    date.focus();
  };

  await Promise.all([loadUpcoming(), loadTickets()]);
  refreshers.push(() => void Promise.all([loadUpcoming(), loadTickets()]).catch(showError));
  // check-ins are the venue's: re-read the tickets while the screen is shown
  const poll = window.setInterval(() => {
    if (!tickets.isConnected) return window.clearInterval(poll);
    void loadTickets().catch(() => undefined);
  }, 3000);

  const listener = h(
    "div",
    { class: "grid two" },
    h("section", { class: "card" }, h("h1", {}, "VR concerts"), gate, upcoming),
    h("section", { class: "card" }, h("h2", {}, "My tickets"), tickets),
  );
  return isArtist() ? h("div", {}, listener, await artistConcerts(loadUpcoming)) : listener;
}

/** doorNotes keeps the last door result per concert across re-renders. */
const doorNotes = new Map<string, string>();

async function artistConcerts(reloadUpcoming: () => Promise<void>): Promise<HTMLElement> {
  const artist = await request<Artist>("/music/artists/me");
  const mine = h("div", { "data-testid": "my-concerts" });
  const load = async () => {
    const page = await request<{ items: Concert[] }>(`/music/concerts?artist_id=${artist.id}&limit=50`);
    const cards = await Promise.all(page.items.map(concertCard));
    replace(mine, ...(cards.length ? cards : [h("p", { class: "muted" }, "No concert yet.")]));
  };
  const concertCard = async (c: Concert): Promise<HTMLElement> => {
    const a = c.status === "scheduled" ? await request<Attendance>(`/music/concerts/${c.id}/attendance`) : null;
    const pass = h("textarea", { name: "pass", rows: 2, required: true, spellcheck: "false" });
    const out = h("p", { "aria-live": "polite", "data-testid": "door-status" }, doorNotes.get(c.id) ?? "");
    const door = (path: "check-in" | "check-out") =>
      onClick(async () => {
        const t = await request<Ticket>(`/music/concerts/${c.id}/${path}`, { body: { pass: pass.value.trim() } });
        doorNotes.set(c.id, `Ticket ${t.id.slice(0, 8)}: ${t.checked_in ? "checked in" : "checked out"}.`);
        await load();
      });
    return h(
      "article",
      { class: "concert", "data-concert": c.id, "aria-label": `My concert ${c.title}` },
      h("h3", {}, c.title, " ", h("span", { class: `badge ${c.status}` }, c.status)),
      h("p", {}, `${fmtTime(c.starts_at)} · ${price(c)} · ${c.min_age ? `${c.min_age}+ · ` : ""}`, h("a", { href: c.venue_url, target: "_blank", rel: "noopener" }, "venue")),
      a
        ? h("p", { "data-testid": "attendance" }, `Sold ${a.sold} of ${a.capacity} · checked in ${a.checked_in} · inside now `, h("strong", { "data-testid": "inside" }, a.inside), ` · refunded ${a.refunded} · revenue $${trimMoney(a.revenue)}`)
        : null,
      c.status === "scheduled"
        ? h(
            "div",
            {},
            field(`Door: a pass for ${c.title}`, pass),
            h("div", { class: "row" }, h("button", { type: "button", onclick: door("check-in") }, "Check in"), h("button", { type: "button", onclick: door("check-out") }, "Check out"),
              h("button", { type: "button", class: "link", onclick: onClick(async () => {
                if (!window.confirm(`Cancel ${c.title}? Every ticket is refunded.`)) return;
                await request<Concert>(`/music/concerts/${c.id}/cancel`, { method: "POST" });
                await Promise.all([load(), reloadUpcoming()]);
              }) }, "Cancel concert")),
            out,
          )
        : null,
    );
  };
  await load();
  // (not a live refresher: a pass typed at the door must survive other events)

  const title = h("input", { name: "title", required: true, minlength: 3, maxlength: 200 });
  const starts = h("input", { type: "datetime-local", name: "starts_at", step: 1, required: true, value: localInput(new Date(Date.now() + 30 * 60_000)) });
  const duration = h("input", { type: "number", name: "duration_minutes", min: 1, max: 720, value: "60", required: true });
  const capacity = h("input", { type: "number", name: "capacity", min: 1, max: 100000, value: "100", required: true });
  const ticketPrice = h("input", { type: "text", name: "ticket_price", inputmode: "decimal", value: "2.00", required: true, pattern: "[0-9]+(\\.[0-9]{1,6})?" });
  const minAge = h("input", { type: "number", name: "min_age", min: 1, max: 130, placeholder: "none" });
  const venue = h("input", { type: "url", name: "venue_url", required: true, maxlength: 2048, placeholder: "https://… or wss://…" });
  const form = h(
    "form",
    {
      "aria-labelledby": "new-concert",
      onsubmit: onSubmit(async () => {
        const c = await request<Concert>("/music/concerts", {
          body: {
            title: title.value, starts_at: toISO(starts.value), duration_minutes: Number(duration.value), capacity: Number(capacity.value),
            ticket_price: ticketPrice.value.trim(), venue_url: venue.value.trim(), ...(minAge.value ? { min_age: Number(minAge.value) } : {}),
          },
        });
        notice(`Concert ${c.title} scheduled.`);
        title.value = "";
        await Promise.all([load(), reloadUpcoming()]);
      }),
    },
    h("h2", { id: "new-concert" }, "New VR concert"),
    field("Title", title),
    h("div", { class: "row" }, field("Starts", starts), field("Duration (minutes)", duration), field("Capacity", capacity), field("Ticket price (USD)", ticketPrice, "0 for a free show"), field("Minimum age", minAge, "optional")),
    field("Venue URL", venue, "the WebXR / VR room"),
    h("button", { type: "submit" }, "Create concert"),
  );
  return h("div", { class: "grid two" }, h("section", { class: "card" }, form), h("section", { class: "card" }, h("h2", {}, "My concerts"), mine));
}
