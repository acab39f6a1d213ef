// The opportunity kanban (opportunities/kanban.html). Cards ([data-movable]) are dragged between
// [data-kanban-list] columns; a drop posts to the card's data-move-url. The server decides:
// a refusal snaps the card back and shows every missing gate item; success updates the card's
// version and every column's count and sum. Won/lost drops ask the close reason first.
(function () {
  "use strict";

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function showMessage(box, detail, missing) {
    box.querySelector("[data-kanban-detail]").textContent = detail || "";
    var list = box.querySelector("[data-kanban-missing]");
    list.textContent = "";
    (missing || []).forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = item.stage + "：" + item.label;
      li.setAttribute("data-code", item.code);
      list.appendChild(li);
    });
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
  }

  function updateColumns(board, columns) {
    (columns || []).forEach(function (column) {
      var el = board.querySelector('[data-stage-column="' + column.stage_id + '"]');
      if (!el) { return; }
      el.querySelector("[data-count]").textContent = column.count;
      el.querySelector("[data-total]").textContent = column.total;
    });
  }

  function askCloseReason(dialog, done) {
    var form = dialog.querySelector("form");
    form.reset();
    dialog.addEventListener("close", function onClose() {
      dialog.removeEventListener("close", onClose);
      if (dialog.returnValue !== "confirm") { done(null); return; }
      done({
        close_reason: form.elements.close_reason.value,
        close_note: form.elements.close_note.value
      });
    });
    dialog.returnValue = "";
    dialog.showModal();
  }

  function post(board, box, card, target, extra, snapBack) {
    var data = new FormData();
    data.append("to_stage", target.getAttribute("data-stage-id"));
    data.append("version", card.getAttribute("data-version"));
    Object.keys(extra || {}).forEach(function (key) { data.append(key, extra[key]); });
    var url = card.getAttribute("data-move-url") + "?" + (board.getAttribute("data-filter-query") || "");
    card.classList.add("is-saving");
    fetch(url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return { ok: false, detail: response.statusText }; });
    }).then(function (body) {
      card.classList.remove("is-saving");
      if (!body.ok) { snapBack(); showMessage(box, body.detail, body.missing); return; }
      box.hidden = true;
      card.setAttribute("data-version", body.opportunity.version);
      if (target.getAttribute("data-stage-kind") !== "open") { card.removeAttribute("data-movable"); }
      updateColumns(board, body.columns);
    }).catch(function () {
      card.classList.remove("is-saving");
      snapBack();
      showMessage(box, box.getAttribute("data-network-error") || "Network error", []);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var board = document.querySelector("[data-kanban]");
    var box = document.querySelector("[data-kanban-message]");
    var dialog = document.querySelector("[data-kanban-dialog]");
    if (!board || !box || !window.Sortable) { return; }
    board.querySelectorAll("[data-kanban-list]").forEach(function (list) {
      window.Sortable.create(list, {
        group: "kanban", sort: false, draggable: "[data-movable]",
        onEnd: function (event) {
          if (event.from === event.to) { return; }
          var card = event.item, from = event.from, index = event.oldIndex;
          var snapBack = function () { from.insertBefore(card, from.children[index] || null); };
          if (event.to.getAttribute("data-stage-kind") === "open" || !dialog) {
            post(board, box, card, event.to, {}, snapBack);
            return;
          }
          askCloseReason(dialog, function (answer) {
            if (answer === null) { snapBack(); return; }
            post(board, box, card, event.to, answer, snapBack);
          });
        }
      });
    });
  });
})();
