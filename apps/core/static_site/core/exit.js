/* Quick exit (QE-4…QE-8). The page works without this script: the exit control is a
   plain link to /<lang>/exit/, which redirects to a neutral site. */
(function () {
  "use strict";
  var exitUrl = null, exitTop = false;
  var overlay, status, dots;
  var shiftCount = 0, shiftTimer = null, lastShift = 0, shiftAlone = false;
  var lastEscape = 0;

  function leave(event) {
    if (event) event.preventDefault();
    // Hide everything synchronously, before the neutral page starts loading (QE-4).
    document.title = document.body.getAttribute("data-exit-title") || "";
    Array.prototype.forEach.call(document.body.children, function (el) {
      if (el !== overlay) el.style.visibility = "hidden";
    });
    overlay.hidden = false;
    // replace(): Back from the neutral site does not return here (QE-5). A control with
    // target="_top" (the embeddable box, framed by a partner's page) leaves the whole
    // window; if the browser refuses that, the link itself still does.
    if (exitTop && window.top !== window) {
      try {
        window.top.location.replace(exitUrl);
      } catch (error) {
        window.open(exitUrl, "_top");
      }
      return;
    }
    window.location.replace(exitUrl);
  }

  function restore() {
    Array.prototype.forEach.call(document.body.children, function (el) {
      el.style.visibility = "";
    });
    overlay.hidden = true;
  }

  function setProgress(n) {
    Array.prototype.forEach.call(dots, function (dot, i) {
      dot.className = i < n ? "on" : "";
    });
  }

  function announce(key) {
    status.textContent = key ? status.getAttribute("data-" + key) : "";
  }

  function resetShift(expired) {
    if (shiftCount > 0 && expired) announce("expired");
    shiftCount = 0;
    setProgress(0);
    clearTimeout(shiftTimer);
  }

  function isEditable(el) {
    if (!el) return false;
    var tag = el.tagName;
    return el.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function onKeyDown(event) {
    if (event.key === "Shift") {
      shiftAlone = true;
      return;
    }
    shiftAlone = false;
    if (shiftCount) resetShift(false);
    if (event.key === "Escape") {
      if (event.defaultPrevented || isEditable(event.target)) return;
      if (event.target.closest && event.target.closest("dialog[open], [role=dialog]")) return;
      var now = Date.now();
      if (now - lastEscape <= 1000) {
        lastEscape = 0;
        leave(event);
      } else {
        lastEscape = now;
      }
    } else {
      lastEscape = 0;
    }
  }

  function onKeyUp(event) {
    if (event.key !== "Shift" || !shiftAlone) return;
    shiftAlone = false;
    var now = Date.now();
    if (shiftCount && now - lastShift > 5000) resetShift(true);
    lastShift = now;
    shiftCount += 1;
    setProgress(shiftCount);
    clearTimeout(shiftTimer);
    if (shiftCount >= 3) {
      resetShift(false);
      leave(event);
      return;
    }
    announce(shiftCount === 1 ? "two" : "one");
    shiftTimer = setTimeout(function () { resetShift(true); }, 5000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var controls = document.querySelectorAll("[data-exit]");
    if (!controls.length) return;
    exitUrl = controls[0].getAttribute("href");
    exitTop = controls[0].getAttribute("target") === "_top";
    overlay = document.getElementById("exit-overlay");
    status = document.getElementById("exit-status");
    dots = document.querySelectorAll(".exit-progress span");
    Array.prototype.forEach.call(controls, function (el) {
      el.addEventListener("click", leave);
    });
    document.addEventListener("keydown", onKeyDown, true);
    document.addEventListener("keyup", onKeyUp, true);
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) restore();
    });
  });
})();
