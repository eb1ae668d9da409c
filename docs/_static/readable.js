/* The site's pages, readable and reachable for everyone (loaded after sphinx-copybutton's script).
   - sphinx-copybutton has no Korean: its words are added from the page's data-site-words.
   - A box that scrolls sideways (a wide output, a long line of code) gets keyboard focus and a name, so it can be
     scrolled without a mouse (WCAG 2.1.1; axe: scrollable-region-focusable); re-checked when the width changes.
   - A guide table stacks its cells at phone width; each cell is labelled with its column's header (readable.css). */
(function () {
  "use strict";
  var words = {};
  try { words = JSON.parse(document.documentElement.dataset.siteWords || "{}"); } catch (e) { words = {}; }
  var lang = document.documentElement.lang;
  /* global messages, locale: sphinx-copybutton's top-level bindings */
  if (words.copy && typeof messages !== "undefined" && !messages[lang]) {
    messages[lang] = {copy: words.copy, copy_to_clipboard: words.copy_to_clipboard,
                      copy_success: words.copy_success, copy_failure: words.copy_failure};
    locale = lang;
  }

  function scrollsSideways(el) {
    var overflow = getComputedStyle(el).overflowX;
    return (overflow === "auto" || overflow === "scroll") && el.scrollWidth > el.clientWidth + 1;
  }

  var named = 0;  /* regions are landmarks: each gets its own number, so no two share a name */

  function markScrollBoxes() {
    var boxes = document.querySelectorAll("article pre, article div, .notebook-actions-command");
    for (var i = 0; i < boxes.length; i++) {
      var el = boxes[i];
      if (scrollsSideways(el)) {
        if (!el.hasAttribute("tabindex")) {
          named += 1;
          el.setAttribute("tabindex", "0");
          el.setAttribute("role", "region");
          el.setAttribute("aria-label", (words.scroll_box || "Scrollable content") + " (" + named + ")");
          el.dataset.scrollBox = "1";
        }
      } else if (el.dataset.scrollBox) {
        el.removeAttribute("tabindex");
        el.removeAttribute("role");
        el.removeAttribute("aria-label");
        delete el.dataset.scrollBox;
      }
    }
  }

  function labelCells(table) {
    var heads = table.querySelectorAll("thead tr:last-child th");
    var rows = table.querySelectorAll("tbody tr");
    for (var r = 0; r < rows.length; r++) {
      for (var c = 0; c < rows[r].cells.length && c < heads.length; c++) {
        rows[r].cells[c].dataset.label = heads[c].textContent.trim();
      }
    }
    return heads.length > 0;
  }

  /* Guide tables always stack on phones; an output table (pandas) only when it is wider than its column. */
  function labelTableCells() {
    var guides = document.querySelectorAll("article table.docutils:not(.dataframe)");
    for (var t = 0; t < guides.length; t++) {
      if (labelCells(guides[t])) guides[t].classList.add("stacks-on-phones");
    }
    var outputs = document.querySelectorAll("article table.dataframe");
    var column = document.querySelector("article");
    for (var o = 0; o < outputs.length; o++) {
      var wide = column && outputs[o].scrollWidth > column.clientWidth + 1;
      if (wide && labelCells(outputs[o])) outputs[o].classList.add("stacks-on-phones");
    }
  }

  function ready() {
    labelTableCells();
    markScrollBoxes();
    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(markScrollBoxes, 150);
    });
    /* Widths change once fonts and pictures have arrived: look again then. */
    window.addEventListener("load", markScrollBoxes);
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(markScrollBoxes);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
