// The console's few behaviours: suggestions into the reply box, review-queue keys.
(function () {
  "use strict";

  function useSuggestions() {
    document.querySelectorAll(".use-suggestion").forEach(function (button) {
      button.addEventListener("click", function () {
        var box = document.getElementById("reply-text");
        var id = document.getElementById("suggestion_id");
        if (!box || !id) return;
        box.value = button.dataset.text;
        id.value = button.dataset.id;
        box.focus();
      });
    });
  }

  function typing(event) {
    var t = event.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  function reviewKeys() {
    var cards = Array.prototype.slice.call(document.querySelectorAll(".review-card"));
    if (!cards.length) return;
    var current = 0;
    function focus(n) {
      current = Math.max(0, Math.min(cards.length - 1, n));
      cards[current].focus();
    }
    document.addEventListener("keydown", function (event) {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      var card = cards[current];
      var found = cards.indexOf(document.activeElement && document.activeElement.closest
        ? document.activeElement.closest(".review-card") : null);
      if (found >= 0) { current = found; card = cards[current]; }
      if (event.key === "j") { focus(current + 1); }
      else if (event.key === "k") { focus(current - 1); }
      else if (event.key === "a") { card.querySelector("button.approve").click(); }
      else if (event.key === "r") { card.querySelector("button.reject").click(); }
      else if (/^[1-3]$/.test(event.key)) {
        var select = card.querySelector("select.line-choice");
        if (!select) return;
        // option 0 is the current match; 1-3 are the alternatives
        var n = parseInt(event.key, 10);
        if (n < select.options.length) { select.selectedIndex = n; }
      } else { return; }
      event.preventDefault();
    });
    focus(0);
  }

  document.addEventListener("DOMContentLoaded", function () {
    useSuggestions();
    reviewKeys();
  });
})();
