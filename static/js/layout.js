/* Progressive enhancement of the layout; every page works without it.
 * - A table wider than its box: the box says "左右滑动查看更多列" and can be scrolled by keyboard;
 *   a table that fits hides the hint.
 * - The collapsible header menu and month picker are open on wide screens (CSS shows them there
 *   already, in browsers that know ::details-content).
 * - The current dashboard tab is scrolled into view in the one-line tab strip of a phone.
 * - Logging out drops the entry page's unsaved drafts from this browser: a phone is often shared,
 *   and a draft must not wait there for the next person (drafts are kept per user even so).
 */
(function () {
  "use strict";
  var hintText = document.documentElement.getAttribute("data-scroll-hint") || "";
  var regionName = document.documentElement.getAttribute("data-scroll-region") || "";

  function boxOf(wrap) {
    var box = wrap.closest(".scroll-box");
    if (box || !hintText) return box;
    box = document.createElement("div");
    box.className = "scroll-box";
    var hint = document.createElement("p");
    hint.className = "scroll-hint";
    hint.textContent = hintText;
    wrap.parentNode.insertBefore(box, wrap);
    box.appendChild(hint);
    box.appendChild(wrap);
    return box;
  }

  function checkTables() {
    var wraps = document.querySelectorAll(".table-wrap");
    for (var i = 0; i < wraps.length; i++) {
      var wrap = wraps[i];
      var overflows = wrap.scrollWidth > wrap.clientWidth + 1;
      var box = overflows ? boxOf(wrap) : wrap.closest(".scroll-box");
      if (box) {
        box.classList.toggle("overflows", overflows);
        box.classList.toggle("fits", !overflows);
      }
      if (overflows) {
        wrap.setAttribute("tabindex", "0");
        if (!wrap.hasAttribute("role")) wrap.setAttribute("role", "region");
        if (!wrap.hasAttribute("aria-label") && regionName) wrap.setAttribute("aria-label", regionName);
      } else if (wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
      }
    }
  }

  function openOnWideScreens() {
    // CSS already shows the content on wide screens; opening it also tells screen readers so.
    if (!window.matchMedia("(min-width: 601px)").matches) return;
    var boxes = document.querySelectorAll("details.collapse");
    for (var i = 0; i < boxes.length; i++) boxes[i].open = true;
  }

  function showCurrentTab() {
    var current = document.querySelector(".tabs [aria-current='page']");
    if (!current) return;
    var strip = current.parentNode;
    if (strip.scrollWidth > strip.clientWidth) {
      strip.scrollLeft = current.offsetLeft - strip.offsetLeft - (strip.clientWidth - current.offsetWidth) / 2;
    }
  }

  function dropDraftsAtLogout() {
    var root = document.documentElement.getAttribute("data-draft-root");
    var forms = document.querySelectorAll("form[data-clears-drafts]");
    if (!root || !forms.length) return;
    function drop() {
      try {
        var storage = window.localStorage;
        for (var i = storage.length - 1; i >= 0; i--) {
          var key = storage.key(i);
          if (key && key.indexOf(root) === 0) storage.removeItem(key);
        }
      } catch (error) {
        // storage switched off: there are no drafts to drop
      }
    }
    for (var i = 0; i < forms.length; i++) forms[i].addEventListener("submit", drop);
  }

  function start() {
    dropDraftsAtLogout();
    openOnWideScreens();
    checkTables();
    showCurrentTab();
    var timer;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(checkTables, 150);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
