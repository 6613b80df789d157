// The language switch: a link to the same page in the other edition of the book.
// book/_ext/editions.py writes <link rel="alternate" hreflang=... data-edition-switch=...>
// into the head of every page whose counterpart exists; this script shows it as a
// link in the page's header, next to the theme's buttons. Its name is in the page's
// language, from window.BOOK_INTERFACE_WORDS (_static/interface-words.js, written by the build).
(function () {
  "use strict";
  function addSwitch() {
    var links = document.querySelectorAll('link[rel="alternate"][data-edition-switch]');
    if (!links.length || document.querySelector(".language-switch")) {
      return;
    }
    var bar = document.createElement("nav");
    bar.className = "language-switch";
    var words = window.BOOK_INTERFACE_WORDS;
    if (words && words.page) {
      bar.setAttribute("aria-label", words.page.language);
    }
    links.forEach(function (link) {
      var anchor = document.createElement("a");
      anchor.href = link.getAttribute("href");
      anchor.hreflang = link.hreflang;
      anchor.lang = link.hreflang;
      anchor.className = "language-switch-link";
      anchor.textContent = link.dataset.editionSwitch;
      // The reader stays where they are: the section's anchor is the same in both editions.
      anchor.addEventListener("click", function () {
        anchor.href = link.getAttribute("href").split("#")[0] + window.location.hash;
      });
      bar.appendChild(anchor);
    });
    var place = document.querySelector(".article-header-buttons") || document.querySelector(".bd-header-article") || document.body;
    place.insertBefore(bar, place.firstChild);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addSwitch);
  } else {
    addSwitch();
  }
})();
