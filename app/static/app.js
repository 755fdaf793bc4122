// claimdesk: keyboard shortcuts, the "?" help, progress on slow forms and downloads, select all.
// Everything is wired by delegation from data attributes, so fragments swapped in by htmx work
// without re-binding. No inline scripts anywhere (the pages run under script-src 'self').
(function () {
  "use strict";

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toUpperCase();
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  // --- the help overlay ----------------------------------------------------------------------
  function help() {
    return document.getElementById("help");
  }

  function toggleHelp() {
    var dialog = help();
    if (!dialog) return;
    if (dialog.open) dialog.close();
    else dialog.showModal();
  }

  // --- moving through the rows of a list (j / k / o) ----------------------------------------
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr[data-row]"));
  }

  function currentIndex(list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].classList.contains("is-current")) return i;
    }
    return -1;
  }

  function move(delta) {
    var list = rows();
    if (!list.length) return;
    var index = currentIndex(list);
    var next = index < 0 ? (delta > 0 ? 0 : list.length - 1) : index + delta;
    next = Math.max(0, Math.min(list.length - 1, next));
    if (index >= 0) {
      list[index].classList.remove("is-current");
      list[index].removeAttribute("aria-current");
    }
    var row = list[next];
    row.classList.add("is-current");
    row.setAttribute("aria-current", "true");
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function openCurrent() {
    var list = rows();
    var index = currentIndex(list);
    if (index < 0) return false;
    var link = list[index].querySelector("a[data-open]");
    if (!link) return false;
    window.location.assign(link.href);
    return true;
  }

  function takeNext() {
    var form = document.getElementById("take-next");
    if (!form) return false;
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
    return true;
  }

  function focusSearch() {
    var search = document.querySelector("[data-search]");
    if (!search) return false;
    search.focus();
    if (search.select) search.select();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target)) {
      if (event.key === "Escape" && event.target.blur) event.target.blur();
      return;
    }
    if (help() && help().open && event.key !== "?") return; // the dialog handles Escape itself
    var handled = true;
    switch (event.key) {
      case "?":
        toggleHelp();
        break;
      case "j":
        move(1);
        break;
      case "k":
        move(-1);
        break;
      case "o":
        handled = openCurrent();
        break;
      case "Enter":
        handled = event.target && event.target.matches && event.target.matches("tr[data-row]")
          ? openCurrent()
          : false;
        break;
      case "n":
        handled = takeNext();
        break;
      case "/":
        handled = focusSearch();
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-help]");
    if (opener) {
      event.preventDefault();
      toggleHelp();
    }
  });

  // --- progress on forms that take a while (extracting claims, ...) --------------------------
  function showProgress(container) {
    var progress = container && container.querySelector(".progress");
    if (progress) progress.classList.add("is-active");
    return progress;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-progress")) return;
    if (form.checkValidity && !form.checkValidity()) return;
    showProgress(form);
    // Disabled after the form's data is gathered, so the pressed button's value is still sent.
    window.setTimeout(function () {
      var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
      for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
    }, 0);
  });

  // --- downloads that take a while (exports, the evidence package) --------------------------
  function filenameOf(response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename="?([^";]+)"?/i.exec(header);
    return match ? match[1] : fallback;
  }

  function size(bytes) {
    if (bytes < 1024) return bytes + " bytes";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(0) + " kB";
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  // The body as a Blob, telling how much has arrived while it streams (a package is built as
  // it is sent, so its length is not known in advance).
  function readWithProgress(response, report) {
    if (!response.body || !response.body.getReader) return response.blob();
    var reader = response.body.getReader();
    var chunks = [];
    var received = 0;
    var type = response.headers.get("Content-Type") || "";
    function pump() {
      return reader.read().then(function (step) {
        if (step.done) return new Blob(chunks, { type: type });
        chunks.push(step.value);
        received += step.value.length;
        report(received);
        return pump();
      });
    }
    return pump();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-download]");
    if (!link || !window.fetch || !window.URL || !URL.createObjectURL) return;
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return;
    var container = link.closest("[data-download-area]") || link.parentNode;
    var progress = showProgress(container);
    var status = container.querySelector("[data-download-status]");
    if (status) status.textContent = "";
    link.setAttribute("aria-busy", "true");
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          return response.text().then(function (text) {
            throw new Error(text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim()
              || "The download failed (" + response.status + ").");
          });
        }
        var name = filenameOf(response, link.getAttribute("data-download") || "download");
        return readWithProgress(response, function (received) {
          if (status) status.textContent = "Downloading " + name + ": " + size(received) + " so far…";
        }).then(function (blob) {
          var url = URL.createObjectURL(blob);
          var save = document.createElement("a");
          save.href = url;
          save.download = name;
          document.body.appendChild(save);
          save.click();
          save.remove();
          window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
          if (status) status.textContent = "Downloaded " + name + " (" + size(blob.size) + ").";
        });
      })
      .catch(function (error) {
        if (status) status.textContent = error.message;
      })
      .then(function () {
        link.removeAttribute("aria-busy");
        if (progress) progress.classList.remove("is-active");
      });
  });

  // --- select every row of a list ------------------------------------------------------------
  document.addEventListener("change", function (event) {
    var all = event.target;
    if (!all.matches || !all.matches("input[data-select-all]")) return;
    var scope = all.form || document;
    var boxes = scope.querySelectorAll("input[type=checkbox][name='" + all.getAttribute("data-select-all") + "']");
    for (var i = 0; i < boxes.length; i++) {
      if (!boxes[i].disabled) boxes[i].checked = all.checked;
    }
  });
})();
