/* See docs/_ext/readable_pages.py: copy-button words in the page's language, scroll boxes reachable by keyboard,
   tables that stack on phones. Loaded after sphinx-copybutton's script. */
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
  var named = 0;  /* regions are landmarks: each is numbered so no two share a name */
  /* Any overflow at all: even 1 px puts up a classic scroll bar (Windows, Linux), which then overflows the box's
     height too, and a box that scrolls must take the keyboard focus. */
  function scrolls(el) {
    var x = getComputedStyle(el).overflowX;
    return (x === "auto" || x === "scroll") && el.scrollWidth > el.clientWidth;
  }
  function markScrollBoxes() {
    var boxes = document.querySelectorAll("article pre, article div, .notebook-actions-command");
    for (var i = 0; i < boxes.length; i++) {
      var el = boxes[i];
      if (scrolls(el)) {
        if (!el.hasAttribute("tabindex")) {
          named += 1;
          el.setAttribute("tabindex", "0");
          el.setAttribute("role", "region");
          el.setAttribute("aria-label", (words.scroll_box || "Scrollable content") + " (" + named + ")");
          el.dataset.scrollBox = "1";
        }
      } else if (el.dataset.scrollBox) {
        el.removeAttribute("tabindex"); el.removeAttribute("role"); el.removeAttribute("aria-label");
        delete el.dataset.scrollBox;
      }
    }
  }
  function labelCells(table) {
    var heads = table.querySelectorAll("thead tr:last-child th"), rows = table.querySelectorAll("tbody tr");
    for (var r = 0; r < rows.length; r++) {
      for (var c = 0; c < rows[r].cells.length && c < heads.length; c++) {
        rows[r].cells[c].dataset.label = heads[c].textContent.trim();
      }
    }
    return heads.length > 0;
  }
  /* guide tables always stack on phones; an output table only when wider than its column */
  function labelTables() {
    var guides = document.querySelectorAll("article table.docutils:not(.dataframe)");
    for (var t = 0; t < guides.length; t++) if (labelCells(guides[t])) guides[t].classList.add("stacks-on-phones");
    var outputs = document.querySelectorAll("article table.dataframe"), column = document.querySelector("article");
    for (var o = 0; o < outputs.length; o++) {
      if (column && outputs[o].scrollWidth > column.clientWidth + 1 && labelCells(outputs[o])) {
        outputs[o].classList.add("stacks-on-phones");
      }
    }
  }
  function ready() {
    labelTables();
    markScrollBoxes();
    var pending = null;
    window.addEventListener("resize", function () { clearTimeout(pending); pending = setTimeout(markScrollBoxes, 150); });
    window.addEventListener("load", markScrollBoxes);  /* widths change once fonts and pictures arrive */
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(markScrollBoxes);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready); else ready();
})();
