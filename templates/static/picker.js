// Type-ahead for long pickers (issue 12). A <select data-filter> with more choices than fit a
// phone's screen gets a search box above it: typing keeps only the choices (and <optgroup>s,
// e.g. communities) whose words contain the text. Progressive enhancement: without script the
// plain <select> works, and the browser's own type-to-select jumps within it. Loaded from
// /static (the CSP allows no inline script); no framework.
(function () {
  "use strict";
  var MIN = 20; // choices; below this a plain select is quicker than typing

  function norm(s) {
    return (s || "").toLowerCase().replace(/\s+/g, "");
  }

  function enhance(sel) {
    if (sel.querySelectorAll("option").length <= MIN) {
      return;
    }
    // The select's original children: loose options and groups with their options.
    var items = Array.prototype.map.call(sel.children, function (el) {
      if (el.tagName === "OPTGROUP") {
        return { group: el, label: norm(el.label), options: Array.prototype.slice.call(el.children) };
      }
      return { option: el };
    });
    var noMatch = document.createElement("option");
    noMatch.disabled = true;
    noMatch.textContent = sel.getAttribute("data-no-match") || "—";

    var input = document.createElement("input");
    input.type = "search";
    input.className = "picker-filter";
    input.id = sel.id + "-filter";
    input.autocomplete = "off";
    input.setAttribute("aria-label", sel.getAttribute("data-filter-label") || "");
    input.setAttribute("aria-controls", sel.id);
    input.placeholder = sel.getAttribute("data-filter-placeholder") || "";
    sel.parentNode.insertBefore(input, sel);

    input.addEventListener("input", function () {
      var q = norm(input.value);
      var shown = 0;
      var keep = function (o) {
        // The empty choice ("none") and the current choice always stay.
        return o.value === "" || o.selected || norm(o.textContent).indexOf(q) >= 0;
      };
      while (sel.firstChild) {
        sel.removeChild(sel.firstChild);
      }
      items.forEach(function (it) {
        if (it.option) {
          if (keep(it.option)) {
            sel.appendChild(it.option);
            shown += it.option.value === "" ? 0 : 1;
          }
          return;
        }
        var whole = q !== "" && it.label.indexOf(q) >= 0; // the group's name matches
        while (it.group.firstChild) {
          it.group.removeChild(it.group.firstChild);
        }
        it.options.forEach(function (o) {
          if (whole || keep(o)) {
            it.group.appendChild(o);
            shown++;
          }
        });
        if (it.group.children.length > 0) {
          sel.appendChild(it.group);
        }
      });
      if (shown === 0) {
        sel.appendChild(noMatch);
      }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-filter]"), enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
