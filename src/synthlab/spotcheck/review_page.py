"""The review page's HTML, style and script (served by server.py).

Keys: a accept · r reject (then 1-6 picks the reason, type a comment, Enter saves, Esc
cancels) · n or → next · p or ← previous · u next unreviewed. The page resumes at the first
item this reviewer has not judged. Item panels come from the server already escaped and are
inserted as they are; the page adds text only through textContent.
"""

from __future__ import annotations

__all__ = ["PAGE_SCRIPT", "PAGE_STYLE", "review_page"]

PAGE_STYLE = """
#bar { position: sticky; top: 0; background: #111827; color: #fff; padding: 8px 24px;
       display: flex; gap: 24px; align-items: center; z-index: 2; }
#bar b { font-size: 16px; }
#progress { flex: 1; }
#meter { height: 6px; background: #374151; border-radius: 3px; }
#meter div { height: 6px; background: #10b981; border-radius: 3px; width: 0; }
#mine { font-weight: bold; }
.accept { color: #059669; } .reject { color: #dc2626; }
#keys { color: #555; font-size: 13px; margin: 0 0 8px; }
kbd { border: 1px solid #aaa; border-bottom-width: 2px; border-radius: 3px; padding: 0 4px;
      background: #fff; font-size: 12px; }
#reject-form { display: none; background: #fff7ed; border: 1px solid #fdba74; padding: 8px 12px;
               border-radius: 6px; margin: 0 0 12px; }
#reject-form.open { display: block; }
#reasons span { margin-right: 12px; cursor: pointer; }
#reasons span.chosen { background: #dc2626; color: #fff; border-radius: 3px; padding: 0 4px; }
#comment { width: 100%; height: 3em; margin-top: 6px; }
#status { font-size: 13px; }
#done { display: none; font-size: 16px; padding: 24px; background: #ecfdf5; border-radius: 8px; }
"""

PAGE_SCRIPT = r"""
const token = new URLSearchParams(location.search).get("token");
const headers = {"X-Review-Token": token, "Content-Type": "application/json"};
let state = null, position = 0, reason = null;
const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const response = await fetch(path + "?token=" + encodeURIComponent(token), body === undefined
    ? {headers} : {method: "POST", headers, body: JSON.stringify(body)});
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function progress() {
  const total = state.items.length;
  const done = state.items.filter((id) => state.verdicts[id]).length;
  $("progress").textContent = `item ${position + 1} of ${total} · reviewed ${done} of ${total}`;
  $("meter-fill").style.width = (100 * done / total) + "%";
  const mine = state.verdicts[state.items[position]];
  const note = mine && mine.comment ? " (" + mine.comment + ")" : "";
  $("mine").textContent = !mine ? "not reviewed" :
      mine.verdict === "accept" ? "accepted" : "rejected: " + mine.reason + note;
  $("mine").className = mine ? mine.verdict : "";
  $("done").style.display = done === total ? "block" : "none";
}

async function show(index) {
  position = Math.max(0, Math.min(state.items.length - 1, index));
  closeReject();
  const item = await api("/api/item/" + encodeURIComponent(state.items[position]));
  $("item").innerHTML = item.html;  // built server-side from escaped text
  progress();
  window.scrollTo(0, 0);
}

function nextUnreviewed(from) {
  for (let k = 0; k < state.items.length; k++) {
    const i = (from + k) % state.items.length;
    if (!state.verdicts[state.items[i]]) return i;
  }
  return -1;
}

async function save(verdict, why, comment) {
  const id = state.items[position];
  $("status").textContent = "saving…";
  try {
    const saved = await api("/api/verdict", {item: id, verdict, reason: why, comment});
    state.verdicts[id] = saved.verdict;
    $("status").textContent = "saved " + id + ": " + verdict;
    if (position < state.items.length - 1) await show(position + 1); else progress();
  } catch (error) {
    $("status").textContent = "NOT saved: " + error.message;
  }
}

function openReject() {
  reason = null;
  $("reject-form").className = "open";
  for (const span of $("reasons").children) span.className = "";
  $("comment").value = "";
}
function closeReject() { $("reject-form").className = ""; $("comment").blur(); }
function chooseReason(k) {
  if (k < 0 || k >= state.reasons.length) return;
  reason = state.reasons[k];
  [...$("reasons").children].forEach((s, i) => s.className = i === k ? "chosen" : "");
  $("comment").focus();
}

document.addEventListener("keydown", (event) => {
  if (!state || event.ctrlKey || event.metaKey || event.altKey) return;
  const rejecting = $("reject-form").className === "open";
  if (rejecting) {
    if (event.key === "Escape") { closeReject(); event.preventDefault(); }
    else if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      if (!reason) { $("status").textContent = "choose a reason first (1-6)"; return; }
      save("reject", reason, $("comment").value);
    } else if (document.activeElement !== $("comment") && /^[1-9]$/.test(event.key)) {
      chooseReason(Number(event.key) - 1); event.preventDefault();
    } else if (document.activeElement === $("comment") && /^[1-9]$/.test(event.key)
               && $("comment").value === "" && !reason) {
      chooseReason(Number(event.key) - 1); event.preventDefault();
    }
    return;
  }
  const key = event.key;
  if (key === "a") save("accept", null, "");
  else if (key === "r") { openReject(); }
  else if (key === "n" || key === "ArrowRight" || key === "j") show(position + 1);
  else if (key === "p" || key === "ArrowLeft" || key === "k") show(position - 1);
  else if (key === "u") { const i = nextUnreviewed(position + 1); if (i >= 0) show(i); }
  else return;
  event.preventDefault();
});

(async () => {
  state = await api("/api/state");
  $("reviewer").textContent = state.reviewer;
  $("meaning").textContent = state.meaning;
  state.reasons.forEach((name, k) => {
    const span = document.createElement("span");
    span.textContent = `${k + 1} ${name}`;
    span.addEventListener("click", () => chooseReason(k));
    $("reasons").appendChild(span);
  });
  const start = nextUnreviewed(0);
  await show(start < 0 ? 0 : start);  // resume where this reviewer stopped
  document.body.dataset.ready = "1";
})();
"""


def review_page(nonce: str, style: str, script: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>synthlab review</title>
<style>{style}</style></head>
<body><div id="bar"><b>synthlab review</b><span>reviewer: <span id="reviewer"></span></span>
<div id="progress"></div><span id="mine"></span><span id="status"></span></div>
<div id="meter"><div id="meter-fill"></div></div>
<main><p id="meaning"></p>
<p id="keys"><kbd>a</kbd> accept · <kbd>r</kbd> reject (<kbd>1</kbd>-<kbd>6</kbd> reason,
comment, <kbd>Enter</kbd> save, <kbd>Esc</kbd> cancel) · <kbd>n</kbd>/<kbd>→</kbd> next ·
<kbd>p</kbd>/<kbd>←</kbd> previous · <kbd>u</kbd> next unreviewed. Verdicts are saved as you
go: close the page any time and run <code>synthlab review</code> again to resume.</p>
<div id="done">Every item has your verdict. <code>synthlab spotcheck OUT --summary</code>
gives the result; you can still step back and change a verdict.</div>
<div id="reject-form"><b>Reject:</b> <span id="reasons"></span>
<textarea id="comment" placeholder="comment (optional), Enter saves"></textarea></div>
<div id="item"></div></main>
<script nonce="{nonce}">{script}</script></body></html>
"""
