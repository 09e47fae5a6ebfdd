// peerline sandbox page: chat list, chat view and live updates from /api/events.
// Plain ES2020, no dependencies. The server sanitises message HTML; everything
// else is put into the page with textContent.
"use strict";

const $ = (id) => document.getElementById(id);

const KIND = {
  person: { icon: "👤", label: "Person", about: "Simulated person · you write as them" },
  consultant: { icon: "🧑‍⚕️", label: "Consultant", about: "Consultant's private chat with the bot" },
  admin: { icon: "🛡", label: "Admin", about: "Admin's private chat with the bot" },
  group: { icon: "👥", label: "Group", about: "Group" },
  channel: { icon: "📣", label: "Channel", about: "Channel · read-only" },
};
const LANG_NAMES = { uk: "Українська", ru: "Русский", en: "English" };
const PEOPLE_KINDS = ["person", "consultant", "admin"];

const state = {
  bot: { running: false, username: "", restarts: 0, version: "" },
  chats: [],
  languages: ["uk", "ru", "en"],
  openChatId: null,
  unread: new Map(),      // chat id -> number of new bot messages not seen
  connected: false,       // the event stream is open
  loadSeq: 0,             // guards against out-of-order message loads
  renderedChatId: null,   // the chat whose messages are in the list now
  loading: false,         // a message load for the open chat is in flight
  buffered: [],           // events for the open chat that arrived during a load
  replyKeyboard: null,
  replyKbHidden: false,
  topics: [],             // the consultants' group's forum topics
  topic: null,            // the topic shown and written in (null: all, 0: general)
};

// ---------- API ----------

// api sends a JSON request (or FormData) and returns the parsed JSON body.
// Errors become exceptions carrying the server's {"error": "..."} text.
async function api(path, { method = "GET", body } = {}) {
  const options = { method, headers: {} };
  if (body instanceof FormData) {
    options.body = body;
  } else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const res = await fetch(path, options);
  let data = null;
  try { data = await res.json(); } catch { /* empty or non-JSON body */ }
  if (!res.ok) {
    throw new Error((data && data.error) || `${res.status} ${res.statusText}`);
  }
  return data;
}

function chatById(id) {
  return state.chats.find((c) => c.id === id) || null;
}

function openChat() {
  return chatById(state.openChatId);
}

// ---------- small UI helpers ----------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// showToast puts a short text into the #toast live region; it empties itself after a while
// (an empty toast is invisible, but stays in the page so screen readers keep listening).
let toastTimer = 0;
function showToast(text, { error = false } = {}) {
  const toast = $("toast");
  toast.textContent = text;
  toast.classList.toggle("toast--error", error);
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.textContent = ""; }, error ? 6000 : 3500);
}

function showError(prefix, err) {
  showToast(`${prefix}: ${err.message}`, { error: true });
}

function showAlert(text) {
  const box = $("alert-box");
  $("alert-box-text").textContent = text;
  if (typeof box.showModal === "function" && !box.open) box.showModal();
  else window.alert(text);
}

function isPhone() {
  return window.matchMedia("(max-width: 767px)").matches;
}

// ---------- bot status ----------

function renderBotStatus() {
  const pill = $("bot-status");
  let text = "● restarting…";
  let cls = "pill--restarting";
  if (!state.connected) {
    text = "● offline";
    cls = "pill--offline";
  } else if (state.bot.running) {
    text = "● running";
    cls = "pill--running";
  }
  if (pill.textContent !== text) pill.textContent = text;
  pill.className = `pill ${cls}`;
  const b = state.bot;
  pill.title = [
    b.username && `@${b.username}`,
    b.version && `version ${b.version}`,
    `restarts: ${b.restarts || 0}`,
    !state.connected && "the page has lost contact with the sandbox and keeps retrying",
  ].filter(Boolean).join(" · ");
}

// ---------- chat list ----------

function renderChatList() {
  const list = $("chat-list");
  // Keep keyboard focus on the same chat when the list is rebuilt.
  const focusedId = list.contains(document.activeElement) ? document.activeElement.dataset.chatId : null;
  list.textContent = "";
  for (const chat of state.chats) {
    const kind = KIND[chat.kind] || KIND.person;
    const item = el("li");
    const button = el("button", "chat-item");
    button.type = "button";
    button.dataset.chatId = String(chat.id);
    if (chat.id === state.openChatId) button.setAttribute("aria-current", "true");

    const avatar = el("span", `avatar avatar--${chat.kind}`, kind.icon);
    avatar.setAttribute("aria-hidden", "true");

    const text = el("span", "chat-item-text");
    const title = el("span", "chat-item-title", chat.title);
    title.title = chat.title; // the full name when it is cut short
    text.append(title);
    const sub = el("span", "chat-item-sub", kind.label);
    if (chat.lang) {
      const tag = el("span", "lang-tag", chat.lang);
      tag.title = `Telegram language: ${LANG_NAMES[chat.lang] || chat.lang}`;
      sub.append(tag);
    }
    text.append(sub);
    button.append(avatar, text);

    const count = state.unread.get(chat.id) || 0;
    if (count > 0) {
      const badge = el("span", "badge", String(count));
      badge.setAttribute("aria-label", `${count} unread`);
      button.append(badge);
    }
    button.addEventListener("click", () => {
      selectChat(chat.id);
      closeDrawer();
    });
    item.append(button);
    list.append(item);
    if (focusedId === button.dataset.chatId) button.focus();
  }
  renderUnreadTotal();
}

// renderUnreadTotal shows the total on the phone's "open list" button and in the tab title.
function renderUnreadTotal() {
  let total = 0;
  for (const n of state.unread.values()) total += n;
  const badge = $("open-chats-unread");
  badge.hidden = total === 0;
  badge.textContent = String(total);
  $("open-chats").setAttribute("aria-label",
    total ? `Open the chat list (${total} unread)` : "Open the chat list");
  document.title = total ? `(${total}) peerline sandbox` : "peerline sandbox";
}

// fillLanguageSelect lists the languages as "Українська (uk)", or just "uk" when short.
function fillLanguageSelect(select, value, { short = false } = {}) {
  select.textContent = "";
  for (const code of state.languages) {
    const name = LANG_NAMES[code] || code;
    const option = el("option", "", short ? code : `${name} (${code})`);
    option.title = name;
    option.value = code;
    select.append(option);
  }
  if (value) select.value = value;
}

// ---------- loading state ----------

// loadState fetches the bot status and chats, then keeps the open chat (or opens one).
async function loadState({ reloadMessages = false } = {}) {
  let data;
  try {
    data = await api("/api/state");
  } catch (err) {
    showError("Could not load the sandbox", err);
    return;
  }
  state.bot = { ...state.bot, ...data.bot };
  state.chats = data.chats || [];
  if (Array.isArray(data.languages) && data.languages.length) state.languages = data.languages;
  for (const id of state.unread.keys()) if (!chatById(id)) state.unread.delete(id);

  renderBotStatus();
  fillLanguageSelect($("new-person-lang"), $("new-person-lang").value || state.languages[0]);

  let target = state.openChatId;
  if (!chatById(target)) target = chatIdFromHash();
  if (!chatById(target)) target = state.chats.length ? state.chats[0].id : null;

  if (target !== state.openChatId || reloadMessages) {
    selectChat(target);
  } else {
    renderChatList();
    renderChatHeader();
  }
}

function chatIdFromHash() {
  const match = /^#chat=(-?\d+)$/.exec(location.hash);
  return match ? Number(match[1]) : null;
}

// selectChat makes a chat the open one and loads its messages.
function selectChat(id) {
  state.openChatId = id;
  if (id !== null) {
    state.unread.delete(id);
    history.replaceState(null, "", `#chat=${id}`);
  }
  renderChatList();
  renderChatHeader();
  loadMessages();
}

function renderChatHeader() {
  const chat = openChat();
  const avatar = $("chat-avatar");
  const langWrap = $("chat-lang-wrap");
  if (!chat) {
    $("chat-title").textContent = "No chat open";
    $("chat-subtitle").textContent = "";
    avatar.textContent = "";
    langWrap.hidden = true;
    $("composer").hidden = true;
    $("readonly-note").hidden = true;
    return;
  }
  const kind = KIND[chat.kind] || KIND.person;
  $("chat-title").textContent = chat.title;
  avatar.textContent = kind.icon;
  avatar.className = `avatar avatar--${chat.kind}`;

  let about = kind.about;
  if (chat.kind === "group") {
    const sender = chatById(chat.as);
    about = sender ? `Group · you write as ${sender.title}` : "Group · you write as the consultant";
  }
  $("chat-subtitle").textContent = about;

  const isPerson = PEOPLE_KINDS.includes(chat.kind);
  langWrap.hidden = !isPerson;
  $("chat-topic-wrap").hidden = chat.kind !== "group";
  if (isPerson) fillLanguageSelect($("chat-lang"), chat.lang, { short: true });

  const readOnly = chat.kind === "channel" || !chat.as;
  $("composer").hidden = readOnly;
  $("readonly-note").hidden = !readOnly;
}

// ---------- messages ----------

// loadMessages replaces the open chat's messages with the server's list. Events for the
// chat that arrive meanwhile are buffered and replayed afterwards, so none are lost.
// Reloading the chat already shown keeps the old messages on screen until the new list is in.
async function loadMessages() {
  const chat = openChat();
  const seq = ++state.loadSeq;
  const list = $("messages");
  const sameChat = chat && state.renderedChatId === chat.id && !list.hidden;
  if (!sameChat) {
    list.textContent = "";
    renderReplyKeyboard(null);
    state.renderedChatId = null;
  }
  if (!chat) {
    state.loading = false;
    showEmpty();
    return;
  }
  state.loading = true;
  state.buffered = [];
  if (!sameChat) showEmpty("Loading…");

  let data;
  try {
    if (chat.kind === "group") await loadTopics(chat);
    data = await api(`/api/chats/${chat.id}/messages`);
  } catch (err) {
    if (seq === state.loadSeq) {
      state.loading = false;
      if (!sameChat) showEmpty("Could not load this chat.");
      showError("Could not load messages", err);
    }
    return;
  }
  if (seq !== state.loadSeq) return; // another load started meanwhile

  const atBottom = !sameChat || isAtBottom();
  const scrollTop = list.scrollTop;
  // Rebuild quietly: screen readers should hear new messages, not the whole history again.
  list.setAttribute("aria-live", "off");
  list.textContent = "";
  for (const message of data.messages || []) {
    if (inShownTopic(message, chat)) list.append(renderMessage(message, chat));
  }
  state.renderedChatId = chat.id;
  renderReplyKeyboard(data.reply_keyboard || null);
  state.loading = false;
  updateEmpty();
  if (atBottom) scrollToBottom();
  else list.scrollTop = scrollTop;
  list.setAttribute("aria-live", "polite");

  const buffered = state.buffered;
  state.buffered = [];
  for (const [type, payload] of buffered) applyChatEvent(type, payload);
}

// ---------- forum topics (the consultants' group: one topic per case) ----------

// state.topic is the topic shown and written in: null for all, 0 for the general topic.
async function loadTopics(chat) {
  const data = await api(`/api/chats/${chat.id}/topics`);
  state.topics = data.topics || [];
  const select = $("chat-topic");
  const keep = state.topic;
  select.textContent = "";
  const add = (value, label) => {
    const o = el("option", "", label);
    o.value = value;
    select.append(o);
  };
  add("all", "All topics");
  add("0", "General");
  for (const t of state.topics) add(String(t.id), t.closed ? `${t.name} (closed)` : t.name);
  const known = keep === null || keep === 0 || state.topics.some((t) => t.id === keep);
  state.topic = known ? keep : null;
  select.value = state.topic === null ? "all" : String(state.topic);
}

function topicName(id) {
  const t = (state.topics || []).find((x) => x.id === id);
  return t ? t.name : `#${id}`;
}

function inShownTopic(m, chat) {
  if (!chat || chat.kind !== "group" || state.topic === null) return true;
  return (m.thread || 0) === state.topic;
}

async function changeTopic(value) {
  state.topic = value === "all" ? null : Number(value);
  state.renderedChatId = null; // rebuild the list for the topic
  await loadMessages();
}

function showEmpty(text) {
  const box = $("chat-empty");
  box.textContent = "";
  $("messages").hidden = true;
  box.hidden = false;
  const chat = openChat();
  if (text) {
    box.append(el("p", "", text));
  } else if (!chat) {
    box.append(el("p", "", state.chats.length
      ? "Choose a chat from the list."
      : "No chats yet. Add a person with “+ New person”."));
  } else if (chat.kind === "channel") {
    box.append(el("p", "", "No posts in this channel yet."));
  } else {
    box.append(el("p", "", "No messages yet."));
    if (chat.kind !== "group") {
      const start = el("button", "btn btn--primary", "Send /start");
      start.type = "button";
      start.addEventListener("click", () => sendText("/start"));
      box.append(start);
    }
  }
}

// updateEmpty shows the empty-chat hint or the message list, whichever applies.
function updateEmpty() {
  if (state.loading) return;
  const hasMessages = $("messages").children.length > 0;
  if (hasMessages) {
    $("chat-empty").hidden = true;
    $("messages").hidden = false;
  } else {
    showEmpty();
  }
}

function renderMessage(m, chat) {
  const mine = !m.from_bot;
  const item = el("li", `msg ${mine ? "msg--me" : "msg--bot"}`);
  item.dataset.messageId = String(m.id);

  const body = el("div", "msg-body");
  const bubble = el("div", "bubble");

  const senderName = mine ? (m.from || "You") : (m.from || botName());
  if (chat && chat.kind === "group") {
    const from = el("div", "msg-from", senderName);
    if (m.thread && state.topic === null) {
      // The topic's name; a click opens the topic (to write in it).
      const jump = el("button", "msg-topic", `🧵 ${topicName(m.thread)}`);
      jump.type = "button";
      jump.dataset.thread = String(m.thread);
      jump.title = "Open this topic";
      jump.addEventListener("click", () => {
        $("chat-topic").value = String(m.thread);
        changeTopic(String(m.thread));
      });
      from.append(document.createTextNode(" · "), jump);
    }
    bubble.append(from);
  } else {
    bubble.append(el("span", "sr-only", mine ? `${senderName}: ` : "Bot: "));
  }

  if (m.voice) {
    const voice = el("div", "msg-doc");
    voice.append(el("span", "", "🎤"), document.createTextNode("Voice message"));
    bubble.append(voice);
  }
  if (m.photo) {
    const photo = el("div", "msg-photo");
    photo.append(el("span", "", "📷"), document.createTextNode("Photo"));
    photo.setAttribute("role", "img");
    photo.setAttribute("aria-label", "Photo");
    bubble.append(photo);
  }
  if (m.document) {
    const doc = el("div", "msg-doc");
    const icon = el("span", "", "📄");
    icon.setAttribute("aria-hidden", "true");
    doc.append(icon, document.createTextNode(m.document));
    bubble.append(doc);
  }
  if (m.html) {
    const text = el("div", "msg-text");
    text.innerHTML = m.html; // sanitised by the server (see the API contract)
    bubble.append(text);
  }

  const meta = el("div", "msg-meta");
  if (m.protected) {
    const badge = el("span", "msg-badge", "🔒 protected");
    badge.title = "Protected content: cannot be forwarded or saved";
    meta.append(badge);
  }
  if (m.edited) meta.append(el("span", "msg-edited", "edited"));
  if (m.reaction) meta.append(el("span", "msg-reaction", m.reaction));
  if (m.time) meta.append(el("time", "", m.time));
  bubble.append(meta);
  body.append(bubble);

  if (Array.isArray(m.keyboard) && m.keyboard.length) body.append(renderInlineKeyboard(m.keyboard));
  item.append(body);
  return item;
}

function botName() {
  return state.bot.username ? `@${state.bot.username}` : "Bot";
}

function renderInlineKeyboard(rows) {
  const kb = el("div", "ikb");
  kb.setAttribute("role", "group");
  kb.setAttribute("aria-label", "Message buttons");
  for (const row of rows) {
    const rowEl = el("div", "ikb-row");
    for (const b of row || []) {
      let node;
      if (b.url && isSafeUrl(b.url)) {
        node = el("a", "ikb-btn ikb-url", b.text);
        node.href = b.url;
        node.target = "_blank";
        node.rel = "noopener noreferrer";
        node.title = b.url;
      } else {
        node = el("button", "ikb-btn", b.text);
        node.type = "button";
        if (b.data) {
          node.dataset.callback = b.data;
        } else {
          node.disabled = true;
          node.title = b.url ? `Link not opened here: ${b.url}` : "Not available in the sandbox";
        }
      }
      rowEl.append(node);
    }
    kb.append(rowEl);
  }
  return kb;
}

function isSafeUrl(url) {
  try {
    return ["http:", "https:", "mailto:", "tel:"].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

function findMessage(id) {
  return $("messages").querySelector(`[data-message-id="${CSS.escape(String(id))}"]`);
}

// upsertMessage replaces a message with the same id in place, or inserts it in id order.
function upsertMessage(m, { flash = false } = {}) {
  const list = $("messages");
  const node = renderMessage(m, openChat());
  if (flash) node.classList.add("msg--flash");
  const old = findMessage(m.id);
  if (old) {
    old.replaceWith(node);
    return false;
  }
  const next = [...list.children].find((li) => Number(li.dataset.messageId) > m.id);
  list.insertBefore(node, next || null);
  return true;
}

function isAtBottom() {
  const list = $("messages");
  return list.scrollHeight - list.scrollTop - list.clientHeight < 40;
}

function scrollToBottom() {
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
}

// keepBottom runs a change and keeps the list scrolled to the end if it was there.
function keepBottom(change) {
  const atBottom = isAtBottom();
  change();
  if (atBottom) scrollToBottom();
}

// ---------- reply keyboard ----------

function renderReplyKeyboard(kb) {
  state.replyKeyboard = kb;
  const box = $("reply-kb");
  const toggle = $("reply-kb-toggle");
  box.textContent = "";
  const rows = kb && Array.isArray(kb.rows) ? kb.rows : [];
  const chat = openChat();
  const usable = rows.length > 0 && chat && chat.as;
  for (const row of rows) {
    const rowEl = el("div", "reply-kb-row");
    for (const b of row || []) {
      const text = typeof b === "string" ? b : (b && b.text) || "";
      const button = el("button", "", text);
      button.type = "button";
      button.addEventListener("click", () => sendText(text));
      rowEl.append(button);
    }
    box.append(rowEl);
  }
  toggle.hidden = !usable;
  box.hidden = !usable || state.replyKbHidden;
  toggle.setAttribute("aria-expanded", String(!box.hidden));
  toggle.setAttribute("aria-label", box.hidden ? "Show the reply keyboard" : "Hide the reply keyboard");
}

function toggleReplyKeyboard() {
  state.replyKbHidden = !state.replyKbHidden;
  keepBottom(() => renderReplyKeyboard(state.replyKeyboard));
}

// ---------- actions ----------

async function sendText(text) {
  const chat = openChat();
  if (!chat || !text.trim()) return false;
  try {
    const thread = chat.kind === "group" && state.topic ? state.topic : 0;
    await api(`/api/chats/${chat.id}/send`, { method: "POST", body: { text, thread } });
    if (!state.connected) loadMessages(); // no live updates: fetch to show the result
    return true;
  } catch (err) {
    showError("Not sent", err);
    return false;
  }
}

async function sendFromComposer() {
  const input = $("composer-input");
  const text = input.value;
  if (!text.trim()) return;
  input.value = "";
  autoSize(input);
  if (!(await sendText(text))) {
    if (!input.value) input.value = text; // give the text back so it is not lost
    autoSize(input);
  }
  input.focus();
}

async function pressButton(button) {
  const chat = openChat();
  const messageEl = button.closest("[data-message-id]");
  if (!chat || !messageEl || button.classList.contains("is-pending")) return;
  button.classList.add("is-pending");
  button.setAttribute("aria-busy", "true");
  try {
    await api(`/api/chats/${chat.id}/press`, {
      method: "POST",
      body: { message_id: Number(messageEl.dataset.messageId), data: button.dataset.callback },
    });
    if (!state.connected) loadMessages();
  } catch (err) {
    showError("Button press failed", err);
  } finally {
    button.classList.remove("is-pending");
    button.removeAttribute("aria-busy");
  }
}

async function uploadFile(file) {
  const chat = openChat();
  if (!chat || !file) return;
  const input = $("composer-input");
  const form = new FormData();
  form.append("file", file, file.name);
  form.append("caption", input.value);
  try {
    await api(`/api/chats/${chat.id}/upload`, { method: "POST", body: form });
    input.value = "";
    autoSize(input);
    if (!state.connected) loadMessages();
  } catch (err) {
    showError(`Could not send ${file.name}`, err);
  }
}

async function changeLanguage(lang) {
  const chat = openChat();
  if (!chat) return;
  try {
    const updated = await api(`/api/chats/${chat.id}/lang`, { method: "POST", body: { lang } });
    Object.assign(chat, updated || { lang });
    renderChatList();
    renderChatHeader();
    showToast(`${chat.title} now writes with Telegram language “${chat.lang}”.`);
  } catch (err) {
    $("chat-lang").value = chat.lang;
    showError("Language not changed", err);
  }
}

async function addPerson(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const name = form.elements.name.value.trim();
  if (!name) return;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const chat = await api("/api/people", {
      method: "POST",
      body: { name, lang: form.elements.lang.value },
    });
    form.elements.name.value = "";
    $("new-person").open = false;
    await loadState();
    if (chat && chatById(chat.id)) selectChat(chat.id);
    closeDrawer(false);
    $("composer-input").focus();
  } catch (err) {
    showError("Could not add the person", err);
  } finally {
    button.disabled = false;
  }
}

async function restartBot() {
  const button = $("restart-bot");
  button.disabled = true;
  state.bot.running = false;
  renderBotStatus();
  try {
    await api("/api/restart", { method: "POST" });
    await loadState();
  } catch (err) {
    showError("Restart failed", err);
    loadState();
  } finally {
    button.disabled = false;
  }
}

async function resetSandbox() {
  const ok = window.confirm(
    "Reset the sandbox?\n\nThis deletes all sandbox chats and data and starts the bot afresh.");
  if (!ok) return;
  const button = $("reset");
  button.disabled = true;
  try {
    await api("/api/reset", { method: "POST" });
    reloadAfterReset();
    showToast("The sandbox was reset.");
  } catch (err) {
    showError("Reset failed", err);
  } finally {
    button.disabled = false;
  }
}

function reloadAfterReset() {
  state.unread.clear();
  loadState({ reloadMessages: true });
}

// ---------- live updates ----------

let events = null;
let stateReloadTimer = 0;

// scheduleStateReload coalesces several reload requests (e.g. messages for a new chat).
function scheduleStateReload() {
  clearTimeout(stateReloadTimer);
  stateReloadTimer = setTimeout(() => loadState(), 300);
}

function connectEvents() {
  if (events) events.close();
  events = new EventSource("/api/events");

  events.addEventListener("open", () => {
    state.connected = true;
    renderBotStatus();
    // Catch up on anything missed while disconnected (also right after the first connect).
    loadState({ reloadMessages: true });
  });
  events.addEventListener("error", () => {
    state.connected = false;
    renderBotStatus();
    // EventSource retries by itself unless the server answered with an error status.
    if (events.readyState === EventSource.CLOSED) setTimeout(connectEvents, 3000);
  });

  const on = (type, handler) => events.addEventListener(type, (e) => {
    let payload;
    try { payload = JSON.parse(e.data || "{}"); } catch { return; }
    handler(payload);
  });

  on("message", (p) => routeChatEvent("message", p));
  on("edited", (p) => routeChatEvent("edited", p));
  on("deleted", (p) => routeChatEvent("deleted", p));
  on("keyboard", (p) => routeChatEvent("keyboard", p));
  on("answer", (p) => {
    if (!p.text) return;
    if (p.alert) showAlert(p.text);
    else showToast(p.text);
  });
  on("bot", (p) => {
    state.bot = { ...state.bot, ...p };
    renderBotStatus();
  });
  on("reset", () => reloadAfterReset());
}

// routeChatEvent applies an event to the open chat, or counts unread bot messages elsewhere.
function routeChatEvent(type, p) {
  if (!chatById(p.chat)) scheduleStateReload(); // a chat this page does not know yet
  if (p.chat !== state.openChatId) {
    if (type === "message" && p.message && p.message.from_bot) {
      state.unread.set(p.chat, (state.unread.get(p.chat) || 0) + 1);
      renderChatList();
    }
    return;
  }
  if (state.loading) {
    state.buffered.push([type, p]);
    return;
  }
  applyChatEvent(type, p);
}

function applyChatEvent(type, p) {
  switch (type) {
    case "message": {
      const chat = openChat();
      if (chat && chat.kind === "group" && p.message.thread && !(state.topics || []).some((t) => t.id === p.message.thread)) {
        loadTopics(chat).catch(() => {}); // a new case topic
      }
      if (!inShownTopic(p.message, chat)) break;
      const atBottom = isAtBottom();
      const added = upsertMessage(p.message);
      updateEmpty();
      // Always follow new messages; replacements keep the reader's position.
      if (added || atBottom) scrollToBottom();
      break;
    }
    case "edited":
      keepBottom(() => upsertMessage(p.message, { flash: true }));
      break;
    case "deleted": {
      const node = findMessage(p.id);
      if (node) node.remove();
      updateEmpty();
      break;
    }
    case "keyboard":
      keepBottom(() => renderReplyKeyboard(p.reply_keyboard || null));
      break;
  }
}

// ---------- phone drawer ----------

// On phones the chat list is a drawer over the chat; the rest of the page is inert meanwhile.
function openDrawer() {
  $("sidebar").classList.add("open");
  setPageInert(true);
  $("backdrop").hidden = false;
  $("open-chats").setAttribute("aria-expanded", "true");
  const current = $("chat-list").querySelector('[aria-current="true"]') ||
    $("chat-list").querySelector("button");
  // Focus after the slide-in starts so the browser does not scroll the drawer.
  setTimeout(() => (current || $("close-chats")).focus(), 30);
}

function closeDrawer(returnFocus = true) {
  const sidebar = $("sidebar");
  if (!sidebar.classList.contains("open")) return;
  sidebar.classList.remove("open");
  setPageInert(false);
  $("backdrop").hidden = true;
  $("open-chats").setAttribute("aria-expanded", "false");
  if (returnFocus && isPhone()) $("open-chats").focus();
}

function setPageInert(inert) {
  $("chat").inert = inert;
  document.querySelector(".topbar").inert = inert;
}

// ---------- composer ----------

// autoSize grows the text input with its content, up to the CSS max-height.
function autoSize(textarea) {
  textarea.style.height = "auto";
  textarea.style.height = `${textarea.scrollHeight + 2}px`;
}

function setUp() {
  const input = $("composer-input");
  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    sendFromComposer();
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      sendFromComposer();
    }
  });
  input.addEventListener("input", () => autoSize(input));

  $("composer-attach").addEventListener("click", () => $("composer-file").click());
  $("composer-file").addEventListener("change", (e) => {
    const file = e.target.files && e.target.files[0];
    e.target.value = ""; // allow choosing the same file again
    uploadFile(file);
  });
  $("reply-kb-toggle").addEventListener("click", toggleReplyKeyboard);

  // When the list gets shorter (window resized, reply keyboard shown, input grown),
  // stay at the newest message if the reader was there.
  let pinnedToBottom = true;
  $("messages").addEventListener("scroll", () => { pinnedToBottom = isAtBottom(); }, { passive: true });
  new ResizeObserver(() => { if (pinnedToBottom) scrollToBottom(); }).observe($("messages"));

  // Inline buttons and spoilers, delegated from the message list.
  $("messages").addEventListener("click", (e) => {
    const button = e.target.closest("button[data-callback]");
    if (button) {
      pressButton(button);
      return;
    }
    const spoiler = e.target.closest(".spoiler");
    if (spoiler) spoiler.classList.add("revealed");
  });

  $("chat-lang").addEventListener("change", (e) => changeLanguage(e.target.value));
  $("chat-topic").addEventListener("change", (e) => changeTopic(e.target.value));
  $("new-person-form").addEventListener("submit", addPerson);
  $("restart-bot").addEventListener("click", restartBot);
  $("reset").addEventListener("click", resetSandbox);

  $("open-chats").addEventListener("click", openDrawer);
  $("close-chats").addEventListener("click", () => closeDrawer());
  $("backdrop").addEventListener("click", () => closeDrawer());
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") closeDrawer();
  });
  // Growing the window past phone size ends the drawer mode.
  window.matchMedia("(max-width: 767px)").addEventListener("change", (e) => {
    if (!e.matches) closeDrawer(false);
  });
  // A link or bookmark like #chat=1001 opens that chat.
  window.addEventListener("hashchange", () => {
    const id = chatIdFromHash();
    if (chatById(id) && id !== state.openChatId) selectChat(id);
  });

  fillLanguageSelect($("new-person-lang"), state.languages[0]);
  renderBotStatus();
  showEmpty("Loading…");
  loadState();
  connectEvents();
}

document.addEventListener("DOMContentLoaded", setUp);
