/* hsct-ms: tables that read on any screen (see hsct-ms.css), and controls named by
   their visible text.
   Each table's caption moves out of the table, above the box the table scrolls in, so it
   is never cut by a sideways scroll; the box is a labelled, focusable region (keyboard
   scrolling); while columns are hidden a hint and an edge shade say so. The table's
   notes (hsct_ms.display.tables: a "hsct-table-notes" block right after it) move under
   that box, outside it, so they wrap at the page's width. Without JavaScript the table
   keeps its caption and still scrolls in its box. */
(function () {
  "use strict";

  // Screens at least this wide (CSS px) get tables that fit their column.
  var WIDE = 768;
  // Words longer than this may be broken to fit a table (see fit()).
  var LONG_WORD = 14;

  function setUpTable(box, index) {
    var table = box.querySelector(":scope > table");
    if (!table || box.parentElement.classList.contains("hsct-table-frame")) return;
    var wrap = document.createElement("div");
    wrap.className = "hsct-table";
    var frame = document.createElement("div");
    frame.className = "hsct-table-frame";
    box.parentNode.insertBefore(wrap, box);
    var notes = box.nextElementSibling;
    if (!(notes && notes.classList.contains("hsct-table-notes"))) notes = null;
    var caption = table.querySelector(":scope > caption");
    var labelId = null;
    if (caption) {
      var moved = document.createElement("div");
      moved.className = "hsct-table-caption";
      labelId = (table.id || "hsct-table-" + index) + "-caption";
      moved.id = labelId;
      while (caption.firstChild) moved.appendChild(caption.firstChild);
      caption.remove();
      table.setAttribute("aria-labelledby", labelId);
      wrap.appendChild(moved);
    }
    var hint = document.createElement("div");
    hint.className = "hsct-table-hint";
    hint.setAttribute("aria-hidden", "true");
    hint.textContent = "Wide table: scroll sideways for more columns \u2192";
    wrap.appendChild(hint);
    frame.appendChild(box);
    wrap.appendChild(frame);
    if (notes) {
      notes.id = notes.id || (table.id || "hsct-table-" + index) + "-notes";
      table.setAttribute("aria-describedby", notes.id);
      wrap.appendChild(notes);
    }
    box.setAttribute("role", "region");
    if (labelId) box.setAttribute("aria-labelledby", labelId);
    else box.setAttribute("aria-label", "Table");

    function fit() {
      // A safety net, not the design: every table of the book fits its column at 1280 px
      // at the normal type size (its columns are designed to: hsct_ms.display.tables,
      // notes under the table; tests/browser/test_readable_pages.py fails on any table
      // that needs this). A user's cohort may bring wider labels; then, on a laptop or
      // wider, the table is tightened as little as needed: smaller type, then its long
      // words (a file name, a hyphenated term) may break. Ordinary words are never broken
      // mid-letter: a table still too wide scrolls in its box with the hint, as on a phone.
      var steps = ["hsct-tight", "hsct-break-long"];
      steps.forEach(function (step) { table.classList.remove(step); });
      if (window.innerWidth < WIDE) return;
      for (var i = 0; i < steps.length && box.scrollWidth > box.clientWidth + 1; i++) {
        table.classList.add(steps[i]);
      }
    }

    function update() {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      wrap.classList.toggle("hsct-scrolls", scrolls);
      wrap.classList.toggle("hsct-scrolled", scrolls && box.scrollLeft > 1);
      wrap.classList.toggle("hsct-at-end", !scrolls || box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
      // A scrolling region must be reachable by keyboard; a fitting one stays out of the tab order.
      if (scrolls) box.setAttribute("tabindex", "0");
      else box.removeAttribute("tabindex");
      // A link to the table (#tbl-...) shows its caption too.
      var above = frame.getBoundingClientRect().top - wrap.getBoundingClientRect().top;
      table.style.scrollMarginTop = Math.round(above + 80) + "px";
    }
    Array.prototype.forEach.call(table.querySelectorAll("td, th"), function (cell) {
      if (cell.textContent.split(/\s+/).some(function (word) { return word.length > LONG_WORD; })) {
        cell.classList.add("hsct-long-word");
      }
    });
    var width = -1;
    function resized() {
      if (box.clientWidth !== width) { width = box.clientWidth; fit(); }
      update();
    }
    box.addEventListener("scroll", update, { passive: true });
    if (window.ResizeObserver) new ResizeObserver(resized).observe(box);
    resized();
  }

  // Controls of the theme and of MyST-NB whose aria-label hides their visible text from
  // screen readers and voice control (axe: label-content-name-mismatch): the search
  // button ("Search Ctrl+K") and the code toggles ("Show code cell source") are named by
  // their text; the colour-mode button keeps its label and its icons are decorative.
  function nameControlsByTheirText() {
    var labelled = document.querySelectorAll(".search-button__button[aria-label], details > summary[aria-label]");
    Array.prototype.forEach.call(labelled, function (element) {
      if (element.textContent.trim()) element.removeAttribute("aria-label");
    });
    // Font Awesome swaps each icon for an <svg> with a <title> ("Light", "Dark"): that
    // title is text inside the button that its label does not hold. The icons are
    // decorative; the button's label says what it does.
    Array.prototype.forEach.call(document.querySelectorAll(".theme-switch-button"), function (button) {
      function decorative() {
        Array.prototype.forEach.call(button.querySelectorAll("svg, i"), function (icon) {
          icon.setAttribute("aria-hidden", "true");
          icon.removeAttribute("aria-labelledby");
          Array.prototype.forEach.call(icon.querySelectorAll("title"), function (t) { t.remove(); });
          if (icon.tagName.toLowerCase() === "i") icon.removeAttribute("title");
        });
      }
      decorative();
      if (window.MutationObserver) new MutationObserver(decorative).observe(button, { childList: true, subtree: true });
    });
    // The bibliography (sphinxcontrib-bibtex) is a role="list" whose entries carry the
    // deprecated doc-biblioentry role: a list's entries are list items.
    Array.prototype.forEach.call(document.querySelectorAll('.citation-list > [role="doc-biblioentry"]'), function (entry) {
      entry.setAttribute("role", "listitem");
    });
  }

  function setUp() {
    var boxes = document.querySelectorAll(".bd-article .pst-scrollable-table-container");
    Array.prototype.forEach.call(boxes, setUpTable);
    nameControlsByTheirText();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
