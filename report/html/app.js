(function () {
  "use strict";
  // Everything the page shows was escaped when the report was written; this script
  // only reads text (textContent) and toggles attributes and classes. It never builds
  // HTML from data and never loads anything.
  var doc = document;
  doc.documentElement.classList.add("js");

  var rows = Array.prototype.slice.call(doc.querySelectorAll("tbody.finding"));
  var search = doc.getElementById("f-search");
  var selects = Array.prototype.slice.call(doc.querySelectorAll(".filters select[data-key]"));
  var counter = doc.getElementById("f-count");
  var noMatch = doc.getElementById("no-match");
  var findingsSection = doc.getElementById("findings");
  var bucketFilter = "";
  var haystacks = rows.map(function (row) {
    return row.textContent.toLowerCase();
  });

  function applyFilters() {
    var terms = search ? search.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
    var wanted = selects.map(function (s) {
      return { key: s.getAttribute("data-key"), value: s.value };
    }).filter(function (w) {
      return w.value !== "";
    });
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = wanted.every(function (w) {
        var v = row.getAttribute("data-" + w.key);
        if (w.key === "framework") {
          // A finding maps to several frameworks: space-separated.
          return v !== null && v.split(" ").indexOf(w.value) !== -1;
        }
        return v === w.value;
      });
      if (ok && bucketFilter !== "") {
        ok = row.getAttribute("data-bucket") === bucketFilter;
      }
      if (ok) {
        ok = terms.every(function (t) {
          return haystacks[i].indexOf(t) !== -1;
        });
      }
      row.hidden = !ok;
      if (ok) {
        shown++;
      }
    });
    if (noMatch) {
      noMatch.hidden = shown !== 0;
    }
    if (counter) {
      var text = shown + " of " + rows.length + " findings shown";
      if (bucketFilter !== "") {
        text += " (bucket " + bucketFilter + ")";
      }
      counter.textContent = text;
    }
  }

  function resetFilters() {
    bucketFilter = "";
    if (search) {
      search.value = "";
    }
    selects.forEach(function (s) {
      s.value = "";
    });
  }

  function showFindings() {
    if (findingsSection) {
      findingsSection.scrollIntoView();
    }
  }

  if (search) {
    search.addEventListener("input", applyFilters);
  }
  selects.forEach(function (s) {
    s.addEventListener("change", applyFilters);
  });

  function on(id, fn) {
    var el = doc.getElementById(id);
    if (el) {
      el.addEventListener("click", fn);
    }
  }
  on("f-reset", function () {
    resetFilters();
    applyFilters();
  });
  on("expand-all", function () {
    rows.forEach(function (row) {
      var d = row.querySelector("details");
      if (d && !row.hidden) {
        d.open = true;
      }
    });
  });
  on("collapse-all", function () {
    rows.forEach(function (row) {
      var d = row.querySelector("details");
      if (d) {
        d.open = false;
      }
    });
  });

  // Copy buttons copy the text of the block they name.
  function fallbackCopy(text) {
    var ta = doc.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.className = "offscreen";
    doc.body.appendChild(ta);
    ta.select();
    var ok = false;
    try {
      ok = doc.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    doc.body.removeChild(ta);
    return ok;
  }

  function copyText(text) {
    if (navigator.clipboard && typeof navigator.clipboard.writeText === "function") {
      return navigator.clipboard.writeText(text).then(function () {
        return true;
      }, function () {
        return fallbackCopy(text);
      });
    }
    return Promise.resolve(fallbackCopy(text));
  }

  function flash(button, label) {
    var original = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", original);
    button.textContent = label;
    button.classList.toggle("done", label === "Copied");
    setTimeout(function () {
      button.textContent = original;
      button.classList.remove("done");
    }, 1500);
  }

  // One listener for the whole page: copy buttons, filter shortcuts, links that
  // open a finding, and clicks on a finding's row.
  doc.addEventListener("click", function (ev) {
    var target = ev.target instanceof Element ? ev.target : null;
    if (!target) {
      return;
    }
    var copy = target.closest("button.copy[data-copy]");
    if (copy) {
      var source = doc.getElementById(copy.getAttribute("data-copy"));
      if (source) {
        copyText(source.textContent).then(function (ok) {
          flash(copy, ok ? "Copied" : "Copy failed");
        });
      }
      return;
    }
    var shortcut = target.closest("[data-filter-key]");
    if (shortcut) {
      resetFilters();
      var select = doc.getElementById("f-" + shortcut.getAttribute("data-filter-key"));
      if (select) {
        select.value = shortcut.getAttribute("data-filter-value") || "";
      }
      applyFilters();
      showFindings();
      return;
    }
    var opener = target.closest("a[data-open]");
    if (opener) {
      var details = doc.getElementById(opener.getAttribute("data-open"));
      var owner = details ? details.closest("tbody.finding") : null;
      if (owner && owner.hidden) {
        resetFilters();
        applyFilters();
      }
      if (details) {
        details.open = true;
      }
      return;
    }
    var bucket = target.closest(".bucket[data-bucket]");
    if (bucket) {
      selectBucket(bucket);
      return;
    }
    var row = target.closest("tbody.finding tr.row");
    if (row && !target.closest("a, button, input, select, summary")) {
      var sel = window.getSelection ? window.getSelection() : null;
      if (sel && sel.toString() !== "") {
        return; // the reader is selecting text, not toggling
      }
      var d = row.parentNode.querySelector("details");
      if (d) {
        d.open = !d.open;
      }
    }
  });

  // The map: a scanned bucket filters the findings; hovering highlights its rules.
  function selectBucket(bucket) {
    resetFilters();
    bucketFilter = bucket.getAttribute("data-bucket") || "";
    applyFilters();
    showFindings();
  }

  var map = doc.getElementById("replication-map");
  if (map) {
    // Zoom: the map is drawn at its own size (its width and height attributes) and
    // scaled by the buttons; the frame scrolls whatever does not fit.
    var frame = doc.getElementById("map-frame");
    var level = doc.getElementById("map-zoom-level");
    var naturalW = Number(map.getAttribute("width")) || 1;
    var naturalH = Number(map.getAttribute("height")) || 1;
    var scale = map.getBoundingClientRect().width / naturalW || 1;
    var showLevel = function () {
      if (level) {
        level.textContent = Math.round(scale * 100) + "%";
      }
    };
    var zoom = function (s) {
      scale = Math.max(0.1, Math.min(4, s));
      map.classList.add("zoomed");
      map.style.width = Math.round(naturalW * scale) + "px";
      map.style.height = Math.round(naturalH * scale) + "px";
      showLevel();
    };
    var fit = function () {
      var room = frame ? frame.clientWidth - 16 : naturalW;
      zoom(Math.min(1, room / naturalW));
    };
    [["map-zoom-in", function () { zoom(scale * 1.25); }],
      ["map-zoom-out", function () { zoom(scale / 1.25); }],
      ["map-zoom-fit", fit],
      ["map-zoom-full", function () { zoom(1); }]].forEach(function (b) {
      var el = doc.getElementById(b[0]);
      if (el) {
        el.addEventListener("click", b[1]);
      }
    });
    showLevel();

    var buckets = Array.prototype.slice.call(map.querySelectorAll(".bucket"));
    var edges = Array.prototype.slice.call(map.querySelectorAll(".edge"));
    var highlight = function (idx) {
      map.classList.add("focus");
      edges.forEach(function (e) {
        var hit = e.getAttribute("data-from") === idx || e.getAttribute("data-to") === idx;
        e.classList.toggle("hl", hit);
        if (hit) {
          [e.getAttribute("data-from"), e.getAttribute("data-to")].forEach(function (other) {
            var b = map.querySelector('.bucket[data-idx="' + other + '"]');
            if (b) {
              b.classList.add("hl");
            }
          });
        }
      });
    };
    var clear = function () {
      map.classList.remove("focus");
      map.querySelectorAll(".hl").forEach(function (el) {
        el.classList.remove("hl");
      });
    };
    buckets.forEach(function (b) {
      var idx = b.getAttribute("data-idx");
      b.addEventListener("mouseenter", function () {
        clear();
        b.classList.add("hl");
        highlight(idx);
      });
      b.addEventListener("mouseleave", clear);
      b.addEventListener("focus", function () {
        clear();
        b.classList.add("hl");
        highlight(idx);
      });
      b.addEventListener("blur", clear);
      if (b.hasAttribute("data-bucket")) {
        b.addEventListener("keydown", function (ev) {
          if (ev.key === "Enter" || ev.key === " ") {
            ev.preventDefault();
            selectBucket(b);
          }
        });
      }
    });
  }

  applyFilters();
})();
