// The review page's keys: j/k move between cards, a applies and r rejects the focused
// card's top candidate. The first card is focused on load. (A decision's error fragment
// goes into the card's error slot by error-fragments.js, through data-error-target.)
(function () {
  "use strict";
  var current = null; // id of the card the keys act on

  function cards() {
    return Array.prototype.slice.call(document.querySelectorAll(".review-card"));
  }

  function focusCard(card) {
    if (!card) return;
    current = card.id;
    card.focus();
    card.scrollIntoView({ block: "nearest" });
  }

  function activeCard() {
    var inside = document.activeElement && document.activeElement.closest(".review-card");
    return inside || (current && document.getElementById(current)) || cards()[0] || null;
  }

  function move(step) {
    var all = cards();
    var index = all.indexOf(activeCard());
    var next = all[Math.min(all.length - 1, Math.max(0, index + step))];
    focusCard(next);
  }

  function press(action) {
    var card = activeCard();
    var button = card && card.querySelector('[data-action="' + action + '"]');
    if (button) {
      current = card.id;
      button.click();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    var actions = { j: function () { move(1); }, k: function () { move(-1); },
                    a: function () { press("apply"); }, r: function () { press("reject"); } };
    var act = actions[event.key];
    if (act) {
      event.preventDefault();
      act();
    }
  });

  document.addEventListener("focusin", function (event) {
    var card = event.target.closest && event.target.closest(".review-card");
    if (card) current = card.id;
  });

  // A swapped card is a new element: give the keys' focus back to it.
  document.addEventListener("htmx:afterSettle", function () {
    var card = current && document.getElementById(current);
    var lost = !document.activeElement || document.activeElement === document.body;
    if (card && lost) card.focus();
  });

  function start() {
    focusCard(cards()[0]);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
