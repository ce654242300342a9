// baocao: progressive enhancement only. Every page works without this script; with it the
// report form saves itself as people type, shows validation messages next to the items,
// computes the change of figures live and adds table rows.
"use strict";

(function () {
  function formatInt(n) {
    var s = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return (n < 0 ? "-" : n > 0 ? "+" : "") + s;
  }
  function parseInt_(s) {
    s = (s || "").trim().replace(/\./g, "");
    if (!/^[+-]?\d+$/.test(s)) return null;
    return parseInt(s, 10);
  }

  // Confirmation of destructive or final actions.
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-confirm]");
    if (b && !window.confirm(b.getAttribute("data-confirm"))) e.preventDefault();
  });

  // Live change of figures.
  function updateChange(row) {
    var b = parseInt_(row.querySelector("input.before") && row.querySelector("input.before").value);
    var a = parseInt_(row.querySelector("input.after") && row.querySelector("input.after").value);
    var out = row.querySelector("td.change output");
    if (out) out.textContent = b === null || a === null ? "" : (a - b === 0 ? "0" : formatInt(a - b));
  }
  document.addEventListener("input", function (e) {
    var row = e.target.closest("tr.figure-row");
    if (row) updateChange(row);
  });

  // Another row in a table (records, documents).
  document.addEventListener("click", function (e) {
    var b = e.target.closest("button.add-row");
    if (!b) return;
    var key = b.getAttribute("data-table");
    var table = document.querySelector('table[data-rows="' + CSS.escape(key) + '"] tbody');
    if (!table || !table.lastElementChild) return;
    var last = table.lastElementChild;
    var clone = last.cloneNode(true);
    var n = table.children.length;
    clone.querySelectorAll("input, select").forEach(function (el) {
      var parts = el.name.split("|");
      if (parts.length === 5) { parts[3] = String(n); el.name = parts.join("|"); }
      if (el.tagName === "SELECT") el.selectedIndex = 0; else el.value = "";
    });
    table.appendChild(clone);
  });

  // Items shown only when another answer has one of some values (the template's show_if).
  function applyConditions() {
    document.querySelectorAll("div.cond[data-if]").forEach(function (div) {
      var name = "v|" + div.getAttribute("data-if");
      var els = document.getElementsByName(name);
      var value = "";
      els.forEach(function (el) {
        if ((el.type === "radio" || el.type === "checkbox") ? el.checked : true) value = el.value;
      });
      var wanted = div.getAttribute("data-values").split(" ");
      div.hidden = wanted.indexOf(value) < 0;
    });
  }
  applyConditions();
  document.addEventListener("change", applyConditions);

  var form = document.getElementById("section-form");
  if (!form || !form.hasAttribute("data-autosave")) return;
  var status = document.getElementById("save-status");
  var pending = null, timer = null, saving = false, again = false, dirty = false, stopped = false;

  function say(text, error) {
    status.textContent = text;
    status.className = error ? "error" : "";
  }
  function showProblems(problems) {
    document.querySelectorAll("ul.problems").forEach(function (ul) { ul.innerHTML = ""; });
    (problems || []).forEach(function (p) {
      var key = (p.instance || "") + "|" + p.item;
      var ul = document.querySelector('ul.problems[data-for="' + CSS.escape(key) + '"]');
      if (!ul) return;
      var li = document.createElement("li");
      li.className = p.severity === "error" ? "error" : "warning";
      li.textContent = p.message;
      ul.appendChild(li);
    });
  }
  function body() {
    var data = new URLSearchParams();
    new FormData(form).forEach(function (v, k) { if (typeof v === "string") data.append(k, v); });
    return data;
  }
  function save(keepalive) {
    if (stopped) return;
    if (saving) { again = true; return; }
    saving = true; again = false; dirty = false;
    say("Đang lưu…");
    fetch(form.action, {
      method: "POST",
      body: body(),
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "Accept": "application/json" }
    }).then(function (res) {
      return res.json().then(function (j) { return { ok: res.ok, status: res.status, j: j }; });
    }).then(function (r) {
      saving = false;
      if (r.ok) {
        form.querySelector('input[name="revision"]').value = r.j.revision;
        var label = document.getElementById("revision-label");
        if (label) label.textContent = r.j.revision;
        var ce = document.getElementById("count-errors"), cw = document.getElementById("count-warnings");
        if (ce) ce.textContent = r.j.errors;
        if (cw) cw.textContent = r.j.warnings;
        showProblems(r.j.problems);
        var d = new Date();
        say("Đã lưu lúc " + String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0") + ":" + String(d.getSeconds()).padStart(2, "0") + ".");
        if (pending) { var b = pending; pending = null; dirty = false; form.requestSubmit(b); return; }
        if (again || dirty) save();
      } else if (r.status === 409) {
        // Someone saved in between (or the report was submitted): keep the user's text on the
        // page, stop saving, and let them open the latest version beside it.
        stopped = true;
        say((r.j.error || "Báo cáo đã thay đổi ở nơi khác.") + " Nội dung trên trang này vẫn giữ nguyên: hãy mở bản mới nhất ở thẻ khác, chép phần của anh/chị sang rồi lưu.", true);
        var a = document.createElement("a");
        a.href = window.location.pathname + window.location.search;
        a.target = "_blank";
        a.textContent = " Mở bản mới nhất";
        status.appendChild(a);
      } else {
        say(r.j.error || "Chưa lưu được.", true);
      }
    }).catch(function () {
      saving = false; dirty = true;
      say("Chưa lưu được (mất kết nối?). Sẽ thử lại sau ít giây.", true);
      setTimeout(function () { if (dirty) save(); }, 5000);
    });
  }
  function schedule() {
    dirty = true;
    say("Có thay đổi chưa lưu…");
    clearTimeout(timer);
    timer = setTimeout(save, 700);
  }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", function (e) {
    // Buttons that add, move or remove a model post the form normally (with the typed text);
    // the plain "Lưu" button saves in place.
    if (!e.submitter || !e.submitter.name) { e.preventDefault(); clearTimeout(timer); save(); return; }
    // A save in flight would make this post's revision stale: wait for it.
    clearTimeout(timer);
    if (saving) { e.preventDefault(); pending = e.submitter; } else { dirty = false; }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty) { clearTimeout(timer); save(true); }
  });
  window.addEventListener("beforeunload", function (e) {
    if (dirty || saving) { e.preventDefault(); e.returnValue = ""; }
  });
})();
