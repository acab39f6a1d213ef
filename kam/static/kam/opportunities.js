/* Opportunity pages. The server computes every amount; the subtotals here are only a preview
   while typing. Wired through data- attributes (strict CSP: no inline handlers). */
(function () {
  "use strict";

  function num(value) {
    var n = parseFloat(String(value || "").replace(/,/g, ""));
    return isNaN(n) ? null : n;
  }

  function fen(value) {
    return (Math.round(value * 100) / 100).toFixed(2);
  }

  function rowPrice(row) {
    var price = num(row.querySelector("[data-line-price]").value);
    if (price !== null) { return price; }
    var option = row.querySelector("[data-line-product]").selectedOptions[0];
    return option ? num(option.getAttribute("data-price")) : null;
  }

  function refresh(editor) {
    var total = 0;
    var any = false;
    editor.querySelectorAll("[data-line-row]").forEach(function (row, index) {
      row.querySelector("[data-line-no]").textContent = String(index + 1);
      var option = row.querySelector("[data-line-product]").selectedOptions[0];
      var priceInput = row.querySelector("[data-line-price]");
      if (option && option.getAttribute("data-price")) {
        priceInput.placeholder = option.getAttribute("data-price");
      }
      var quantity = num(row.querySelector("[data-line-quantity]").value);
      var price = rowPrice(row);
      var discount = num(row.querySelector("[data-line-discount]").value) || 0;
      var cell = row.querySelector("[data-line-subtotal]");
      if (quantity === null || price === null) { cell.textContent = "—"; return; }
      var amount = quantity * price * (100 - discount) / 100;
      cell.textContent = fen(amount);
      total += Math.round(amount * 100) / 100;
      any = true;
    });
    var totalCell = editor.querySelector("[data-line-total]");
    if (totalCell) { totalCell.textContent = any ? fen(total) : "—"; }
  }

  function addRow(editor) {
    var template = document.querySelector("template[data-line-template]");
    var body = editor.querySelector("[data-line-body]");
    if (!template || !body) { return; }
    var index = parseInt(editor.getAttribute("data-next-index") || "0", 10);
    editor.setAttribute("data-next-index", String(index + 1));
    body.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__i__/g, String(index)));
    refresh(editor);
  }

  function syncPartner(form) {
    var klass = form.querySelector("select[name=project_class]");
    var input = form.querySelector("[data-partner-field]");
    if (!klass || !input) { return; }
    var box = input.closest(".field") || input;
    box.hidden = klass.value !== "E" && input.value.trim() === "" && !box.querySelector(".error");
  }

  function syncClose(form) {
    var select = form.querySelector("select[name=to_stage]");
    var box = form.querySelector("[data-close-only]");
    if (!select || !box) { return; }
    var kinds = (select.getAttribute("data-close-kinds") || "").split(",");
    box.hidden = kinds.indexOf(select.value) === -1 && !box.querySelector(".error");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-line-editor]").forEach(function (editor) {
      refresh(editor);
      editor.addEventListener("input", function () { refresh(editor); });
      editor.addEventListener("change", function () { refresh(editor); });
      editor.addEventListener("click", function (event) {
        var remove = event.target.closest && event.target.closest("[data-line-remove]");
        if (remove) {
          remove.closest("[data-line-row]").remove();
          refresh(editor);
        }
      });
    });
    document.querySelectorAll("[data-line-add]").forEach(function (button) {
      button.addEventListener("click", function () {
        var editor = document.querySelector("[data-line-editor]");
        if (editor) { addRow(editor); }
      });
    });
    document.querySelectorAll("form.opp-form").forEach(function (form) {
      syncPartner(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "project_class") { syncPartner(form); }
      });
    });
    document.querySelectorAll("form[data-move-form]").forEach(function (form) {
      syncClose(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "to_stage") { syncClose(form); }
      });
    });
  });
})();
