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

  // A table that scrolls inside its box (a wide list on a phone) can be scrolled by keyboard.
  function focusableScrollers() {
    document.querySelectorAll("table.list, table.diff").forEach(function (t) {
      if (t.scrollWidth > t.clientWidth + 1) t.setAttribute("tabindex", "0");
      else t.removeAttribute("tabindex");
    });
  }
  window.addEventListener("load", focusableScrollers);
  window.addEventListener("resize", focusableScrollers);

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
  // On a phone the outline is a closed menu; the section being edited is what shows.
  if (window.matchMedia && window.matchMedia("(max-width: 900px)").matches) {
    document.querySelectorAll("details.outline-menu").forEach(function (d) { d.open = false; });
  }

  var form = document.getElementById("section-form");
  if (!form || !form.hasAttribute("data-autosave")) return;
  var status = document.getElementById("save-status");
  var pending = null, timer = null, saving = false, again = false, dirty = false, stopped = false;

  function say(text, error) {
    status.textContent = text;
    status.className = error ? "error" : "";
  }
  // Each field's problems under it, the field marked invalid (aria-invalid) while it has an
  // error; returns how many errors this page's fields have, for the save message to announce.
  function showProblems(problems) {
    document.querySelectorAll("ul.problems").forEach(function (ul) { ul.innerHTML = ""; });
    form.querySelectorAll('[aria-invalid="true"]').forEach(function (f) { f.removeAttribute("aria-invalid"); });
    var errors = 0;
    (problems || []).forEach(function (p) {
      var key = (p.instance || "") + "|" + p.item;
      var ul = document.querySelector('ul.problems[data-for="' + CSS.escape(key) + '"]');
      if (!ul) return;
      var li = document.createElement("li");
      li.className = p.severity === "error" ? "error" : "warning";
      li.textContent = p.message;
      ul.appendChild(li);
      if (p.severity === "error") {
        errors++;
        var field = document.querySelector('[aria-describedby~="' + CSS.escape(ul.id) + '"]');
        // A table's problems describe the table; only a field or a choice group is "invalid".
        if (field && field.matches("input, textarea, select, [role=radiogroup]")) field.setAttribute("aria-invalid", "true");
      }
    });
    return errors;
  }
  function body() {
    var data = new URLSearchParams();
    new FormData(form).forEach(function (v, k) { if (typeof v === "string") data.append(k, v); });
    return data;
  }
  // What was typed and not saved is kept in the browser (an ended session, a lost connection)
  // until a save succeeds, and offered back when the page opens again.
  var params = new URLSearchParams(window.location.search);
  var storeKey = "baocao-chua-luu:" + window.location.pathname + "|" + (params.get("muc") || "");
  function keepLocally() {
    try {
      var kept = [];
      new FormData(form).forEach(function (v, k) {
        if (typeof v === "string" && k !== "_csrf" && k !== "revision" && k.indexOf("o|") !== 0) kept.push([k, v]);
      });
      localStorage.setItem(storeKey, JSON.stringify(kept));
    } catch (e) { /* private mode: nothing to keep in */ }
  }
  function forget() { try { localStorage.removeItem(storeKey); } catch (e) { } }
  function restore(kept) {
    kept.forEach(function (kv) {
      var el = form.elements.namedItem(kv[0]);
      if (!el) return;
      if (el instanceof RadioNodeList || (el.length !== undefined && !el.tagName)) {
        Array.prototype.forEach.call(el, function (x) {
          if (x.type === "radio" || x.type === "checkbox") { if (x.value === kv[1]) x.checked = true; } else x.value = kv[1];
        });
      } else if (el.type === "checkbox" || el.type === "radio") el.checked = el.value === kv[1];
      else el.value = kv[1];
    });
    applyConditions();
    schedule();
  }
  (function offerKept() {
    var kept = null;
    try { kept = JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { }
    if (!kept || !kept.length) return;
    var p = document.createElement("p");
    p.className = "notice error";
    p.setAttribute("role", "alert");
    p.textContent = "Có nội dung anh/chị đã nhập ở trang này nhưng chưa lưu được. ";
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = "Khôi phục và lưu";
    b.addEventListener("click", function () { p.remove(); restore(kept); });
    var d = document.createElement("button");
    d.type = "button";
    d.textContent = "Bỏ";
    d.addEventListener("click", function () { p.remove(); forget(); });
    p.appendChild(b); p.appendChild(d);
    form.parentNode.insertBefore(p, form);
  })();
  // After logging in again (another tab), the page takes the new session's token and saves.
  function retryAfterLogin() {
    fetch(window.location.pathname + window.location.search, { credentials: "same-origin" })
      .then(function (res) { return res.text(); })
      .then(function (html) {
        var m = /name="csrf-token" content="([^"]+)"/.exec(html);
        if (!m || html.indexOf('id="section-form"') < 0) { setTimeout(retryAfterLogin, 4000); return; }
        form.querySelectorAll('input[name="_csrf"]').forEach(function (i) { i.value = m[1]; });
        var meta = document.querySelector('meta[name="csrf-token"]');
        if (meta) meta.setAttribute("content", m[1]);
        stopped = false;
        save();
      })
      .catch(function () { setTimeout(retryAfterLogin, 4000); });
  }
  function showConflicts(conflicts) {
    var box = document.getElementById("merge-box") || document.createElement("div");
    box.id = "merge-box";
    box.className = "notice error merge";
    box.setAttribute("role", "alert");
    box.innerHTML = "";
    var h = document.createElement("p");
    h.textContent = "Người khác vừa sửa cùng mục. Hãy gộp hai nội dung vào ô của mục rồi bấm “Lưu”:";
    box.appendChild(h);
    conflicts.forEach(function (c) {
      var t = document.createElement("table");
      t.className = "list merge";
      var cap = document.createElement("caption");
      cap.textContent = c.place;
      t.appendChild(cap);
      var head = t.insertRow();
      ["Bản đã lưu của người khác", "Bản anh/chị đang nhập (chưa lưu)"].forEach(function (x) {
        var th = document.createElement("th"); th.textContent = x; head.appendChild(th);
      });
      var row = t.insertRow();
      [c.theirs, c.mine].forEach(function (x) { var td = row.insertCell(); td.textContent = x; });
      box.appendChild(t);
    });
    var a = document.createElement("a");
    a.href = window.location.pathname + window.location.search;
    a.target = "_blank";
    a.textContent = "Mở bản mới nhất ở thẻ khác";
    box.appendChild(a);
    form.parentNode.insertBefore(box, form);
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
        // What the server now holds for each saved item: what this page was "given" next time.
        Object.keys(r.j.values || {}).forEach(function (k) {
          var o = form.elements.namedItem("o|" + k);
          if (o) o.value = r.j.values[k];
        });
        forget();
        var mb = document.getElementById("merge-box");
        if (mb) mb.remove();
        var label = document.getElementById("revision-label");
        if (label) label.textContent = r.j.revision;
        var ce = document.getElementById("count-errors"), cw = document.getElementById("count-warnings");
        if (ce) ce.textContent = r.j.errors;
        if (cw) cw.textContent = r.j.warnings;
        var errs = showProblems(r.j.problems);
        var d = new Date();
        // The live status announces the section's errors too, not only the time of the save.
        say("Đã lưu lúc " + String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0") + ":" + String(d.getSeconds()).padStart(2, "0") + "." +
          (errs > 0 ? " Phần này còn " + errs + " lỗi cần sửa (ghi dưới từng ô)." : ""));
        if (pending) { var b = pending; pending = null; dirty = false; form.requestSubmit(b); return; }
        if (again || dirty) save();
      } else if (r.status === 401) {
        // The session ended (expired, logged out, password changed): keep the text, say so,
        // offer to log in in another tab, then save with the new session.
        stopped = true;
        keepLocally();
        say("Phiên làm việc đã hết hạn. Hãy đăng nhập lại; nội dung vừa nhập vẫn được giữ và sẽ tự lưu sau khi đăng nhập. ", true);
        var login = document.createElement("a");
        login.href = "/dang-nhap";
        login.target = "_blank";
        login.textContent = "Đăng nhập (mở thẻ mới)";
        status.appendChild(login);
        setTimeout(retryAfterLogin, 4000);
      } else if (r.status === 409 && r.j.conflicts) {
        keepLocally();
        showConflicts(r.j.conflicts);
        // The page now knows the other person's text: the merged text saves on top of it.
        r.j.conflicts.forEach(function (c) {
          var o = form.elements.namedItem("o|" + (c.instance || "") + "|" + c.item);
          if (o) o.value = c.given;
        });
        // No autosave until the user has merged and pressed "Lưu" themself.
        stopped = true;
        say(r.j.error, true);
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
      keepLocally();
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
    if (!e.submitter || !e.submitter.name) { e.preventDefault(); clearTimeout(timer); stopped = false; save(); return; }
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
