// The language switch keeps the reader's place: it carries the current #section to the other language's page.
// Guide pages share their section ids across languages; a translated notebook's headings (and so its ids) differ,
// so the switch also remembers which section it was (its position among the page's sections) and the other page
// scrolls there when it has no element with that id.
(() => {
  "use strict";
  const KEY = "language-switch-section";
  const sections = () => [...document.querySelectorAll("article section[id]")];

  const sectionOfHash = () => {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id && document.getElementById(id);
    const section = target && (target.matches("section") ? target : target.closest("section[id]"));
    return section ? sections().indexOf(section) : -1;
  };

  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element && event.target.closest("a.language-switch");
    if (!link || !location.hash) return;
    link.href = link.href.split("#")[0] + location.hash;
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ hash: location.hash, index: sectionOfHash() }));
    } catch (_) { /* storage may be off; the hash alone still works on guide pages */ }
  });

  const arrived = () => {
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
      sessionStorage.removeItem(KEY);
    } catch (_) { return; }
    if (!saved || saved.hash !== location.hash) return;
    if (document.getElementById(decodeURIComponent(location.hash.slice(1)))) return;
    const section = sections()[saved.index];
    if (section) {
      history.replaceState(null, "", "#" + section.id);
      section.scrollIntoView({ behavior: "instant" });
      // Pictures above it may still be loading and push it down: place it again once they are in.
      if (document.readyState !== "complete") window.addEventListener("load", () => section.scrollIntoView({ behavior: "instant" }));
    }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", arrived);
  else arrived();
})();
