/*
 * The sidebar buttons of the book's pages, on every screen width.
 *
 * sphinx-book-theme shows its ☰ (primary) and "page contents" (secondary)
 * buttons in the article header, but pydata-sphinx-theme and sphinx-book-theme
 * wire only the first button of each kind on the page, which is a hidden copy
 * in the site header: the visible buttons do nothing. This script handles a
 * click on any of these buttons itself, before the themes' handlers:
 *
 * - ☰ on a wide screen (992 px and wider) hides or shows the chapter sidebar
 *   (the theme's own `pst-sidebar-hidden` class);
 * - ☰ on a narrower screen, and the page-contents button, open the sidebar as
 *   the theme's modal drawer (<dialog>), with a close button.
 *
 * Keyboard and screen readers: the buttons say whether their sidebar is open
 * (aria-expanded) and which element they control (aria-controls); Escape, the
 * close button, a click outside the drawer or a link inside it closes the
 * drawer; focus goes into the drawer when it opens and back to the button
 * when it closes (unless a link was followed).
 */
(function () {
  "use strict";

  var WIDE = "(min-width: 992px)"; // the themes' breakpoint for the primary sidebar
  var HIDDEN = "pst-sidebar-hidden"; // sphinx-book-theme hides the sidebar with this class on wide screens

  var SIDES = {
    primary: {
      toggle: ".primary-toggle",
      sidebar: "pst-primary-sidebar",
      dialog: "pst-primary-sidebar-modal",
      close: "Close the chapter menu",
    },
    secondary: {
      toggle: ".secondary-toggle",
      sidebar: "pst-secondary-sidebar",
      dialog: "pst-secondary-sidebar-modal",
      close: "Close the page contents",
    },
  };

  function buttons(side) {
    return document.querySelectorAll("button" + SIDES[side].toggle);
  }

  function setExpanded(side, expanded) {
    buttons(side).forEach(function (button) {
      button.setAttribute("aria-expanded", expanded ? "true" : "false");
    });
  }

  // Move the children and classes of one element onto another, as the theme
  // does, so that the drawer gets the sidebar's content and styles.
  function moveContent(from, to) {
    Array.from(from.childNodes).forEach(function (node) {
      to.appendChild(node);
    });
    Array.from(from.classList).forEach(function (name) {
      from.classList.remove(name);
      to.classList.add(name);
    });
  }

  function openDrawer(side, opener) {
    var sidebar = document.getElementById(SIDES[side].sidebar);
    var dialog = document.getElementById(SIDES[side].dialog);
    if (!sidebar || !dialog || dialog.open) return;

    moveContent(sidebar, dialog);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "nav-drawer-close";
    close.setAttribute("aria-label", SIDES[side].close);
    close.title = SIDES[side].close;
    close.textContent = "×";
    close.addEventListener("click", function () {
      dialog.close();
    });
    dialog.insertBefore(close, dialog.firstChild);

    var followedLink = false;
    function onClick(event) {
      // A click on the backdrop lands on the dialog element itself, outside its box.
      var box = dialog.getBoundingClientRect();
      var outside = event.clientX < box.left || event.clientX > box.right || event.clientY < box.top || event.clientY > box.bottom;
      if (event.target === dialog && outside) {
        dialog.close();
      } else if (event.target.closest && event.target.closest("a[href]")) {
        followedLink = true;
        // Let the browser follow the link first, then close the drawer.
        setTimeout(function () {
          dialog.close();
        }, 0);
      }
    }
    function onKey(event) {
      if (event.key === "Escape") {
        event.preventDefault();
        dialog.close();
      }
    }
    function onClose() {
      dialog.removeEventListener("click", onClick);
      dialog.removeEventListener("keydown", onKey);
      if (close.parentNode) close.parentNode.removeChild(close);
      // The theme moves the content back too; whichever runs second finds nothing to move.
      moveContent(dialog, sidebar);
      setExpanded(side, false);
      if (!followedLink && opener && opener.focus) opener.focus({ preventScroll: true });
    }
    dialog.addEventListener("click", onClick);
    dialog.addEventListener("keydown", onKey);
    dialog.addEventListener("close", onClose, { once: true });
    dialog.setAttribute("aria-label", side === "primary" ? "Chapters" : "Contents of this page");

    dialog.showModal();
    setExpanded(side, true);
    // Start at the current chapter (or the first link), not at the close button.
    var start = dialog.querySelector("a.current, a[aria-current], a[href]") || close;
    start.focus();
  }

  function toggleWideSidebar(opener) {
    var sidebar = document.getElementById(SIDES.primary.sidebar);
    if (!sidebar) return;
    var hidden = sidebar.classList.toggle(HIDDEN);
    setExpanded("primary", !hidden);
    if (hidden && sidebar.contains(document.activeElement) && opener) opener.focus();
  }

  // Capture phase on the document: runs before the themes' handlers on the buttons.
  document.addEventListener(
    "click",
    function (event) {
      var button = event.target.closest && event.target.closest("button.sidebar-toggle");
      if (!button) return;
      var side = button.matches(SIDES.primary.toggle) ? "primary" : button.matches(SIDES.secondary.toggle) ? "secondary" : null;
      if (!side) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      if (side === "primary" && window.matchMedia(WIDE).matches) {
        toggleWideSidebar(button);
      } else {
        openDrawer(side, button);
      }
    },
    true,
  );

  // Tell assistive technology what each button controls and whether it is open.
  function describeButtons() {
    var wide = window.matchMedia(WIDE).matches;
    var primary = document.getElementById(SIDES.primary.sidebar);
    buttons("primary").forEach(function (button) {
      button.setAttribute("aria-controls", wide ? SIDES.primary.sidebar : SIDES.primary.dialog);
    });
    buttons("secondary").forEach(function (button) {
      button.setAttribute("aria-controls", SIDES.secondary.dialog);
    });
    setExpanded("primary", wide && primary !== null && !primary.classList.contains(HIDDEN));
    setExpanded("secondary", false);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", describeButtons);
  } else {
    describeButtons();
  }
  window.matchMedia(WIDE).addEventListener("change", function () {
    // The chapter menu is a drawer below 992 px and a column above: close the drawer on the switch.
    var drawer = document.getElementById(SIDES.primary.dialog);
    if (drawer && drawer.open) drawer.close();
    describeButtons();
  });
})();
