// The payment-plan editor (contracts/plan.html): recomputes every row's amount and the plan's
// difference from the contract amount while typing. Integer fen with BigInt, never float sums;
// the rules mirror kam/contracts/money.py (percentages half-up per row; when every row is a
// percentage and they add up to 100, the last row takes the remainder). The server stays the
// authority. Loaded without `defer` so the component exists before Alpine starts.
document.addEventListener("alpine:init", function () {
  "use strict";

  var MONEY = /^(\d+)(?:\.(\d{1,2}))?$/;
  var PERCENT = /^(\d+)(?:\.(\d{1,4}))?$/;
  var HUNDRED_PERCENT = BigInt(1000000); // 100 % in units of 0.0001 %

  // "1,234.5" → 123450n fen; null when it is not an amount to the fen.
  function parseFen(text) {
    var match = MONEY.exec(String(text || "").trim().replace(/,/g, ""));
    if (!match) { return null; }
    return BigInt(match[1]) * BigInt(100) + BigInt((match[2] || "").padEnd(2, "0"));
  }

  // "33.3333" → 333333n (units of 0.0001 %); null unless 0 < p <= 100.
  function parsePercent(text) {
    var match = PERCENT.exec(String(text || "").trim());
    if (!match) { return null; }
    var units = BigInt(match[1]) * BigInt(10000) + BigInt((match[2] || "").padEnd(4, "0"));
    return units > BigInt(0) && units <= HUNDRED_PERCENT ? units : null;
  }

  function formatFen(fen) {
    var negative = fen < BigInt(0);
    var digits = (negative ? -fen : fen).toString().padStart(3, "0");
    var whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (negative ? "-" : "") + whole + "." + digits.slice(-2);
  }

  window.Alpine.data("contractPlan", function () {
    return {
      totalFen: BigInt(0),
      init: function () {
        this.totalFen = BigInt(this.$root.getAttribute("data-total-fen") || "0");
        this.recalc();
      },
      rows: function () {
        return Array.prototype.slice.call(this.$refs.body.querySelectorAll("[data-plan-row]"));
      },
      add: function () {
        this.$refs.body.appendChild(this.$refs.blank.content.firstElementChild.cloneNode(true));
        this.recalc();
      },
      remove: function (event) {
        var row = event.target.closest("[data-plan-row]");
        if (row && this.rows().length > 1) { row.remove(); }
        this.recalc();
      },
      recalc: function () {
        var total = this.totalFen;
        var shares = this.rows().map(function (row, index) {
          row.querySelector("[data-row-no]").textContent = String(index + 1);
          var percentText = row.querySelector("[name=percent]").value.trim();
          var amountText = row.querySelector("[name=amount]").value.trim();
          if (percentText && !amountText) {
            return { row: row, percent: parsePercent(percentText), fen: null };
          }
          if (amountText && !percentText) {
            return { row: row, percent: null, fen: parseFen(amountText) };
          }
          return { row: row, percent: null, fen: null };
        });
        var half = HUNDRED_PERCENT / BigInt(2);
        shares.forEach(function (share) {
          if (share.percent !== null) {
            // Half-up to the fen: (total × p + 50 %) ÷ 100 %, all positive integers.
            share.fen = (total * share.percent + half) / HUNDRED_PERCENT;
          }
        });
        var allPercent = shares.length > 0 && shares.every(function (s) { return s.percent !== null; });
        var percentSum = shares.reduce(function (sum, s) {
          return s.percent !== null ? sum + s.percent : sum;
        }, BigInt(0));
        if (allPercent && percentSum === HUNDRED_PERCENT) {
          var others = shares.slice(0, -1).reduce(function (sum, s) { return sum + s.fen; }, BigInt(0));
          shares[shares.length - 1].fen = total - others;
        }
        var sum = BigInt(0);
        var complete = true;
        shares.forEach(function (share) {
          var cell = share.row.querySelector("[data-row-amount]");
          if (share.fen === null) {
            cell.textContent = "—";
            complete = false;
          } else {
            cell.textContent = formatFen(share.fen);
            sum += share.fen;
          }
        });
        var difference = total - sum;
        this.$refs.sum.textContent = formatFen(sum);
        this.$refs.diff.textContent = formatFen(difference);
        this.$refs.live.classList.toggle("ok", complete && difference === BigInt(0));
        this.$refs.live.classList.toggle("bad", !complete || difference !== BigInt(0));
      }
    };
  });
});
