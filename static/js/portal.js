// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.classList.contains("js-autosubmit")) {
    target.form.requestSubmit();
  }
});

// A page restored from the browser's history (Back) shows what was true when it was left. The
// pages that offer to change or send a draft ask the server again: the draft may be sent since.
window.addEventListener("pageshow", (event) => {
  if (event.persisted && document.querySelector("[data-reload-on-restore]")) {
    window.location.reload();
  }
});

// htmx swaps nothing from an error answer; say that the change was not saved, next to the
// save state, and keep what is on the screen.
document.addEventListener("htmx:afterRequest", (event) => {
  const notice = document.getElementById("save-failed");
  if (notice && event.detail.requestConfig.verb === "post") {
    notice.hidden = event.detail.successful;
  }
});

// Live character count for the texts Chorus Pro limits (fields with data-maxchars, see
// invoices/forms_fields.py). Nothing is cut: past the limit the count turns red and the server
// refuses the text with a message. The count's wording comes translated from the server.
function showCount(field) {
  const id = `${field.id}_counter`;
  let counter = document.getElementById(id);
  if (!counter) {
    counter = document.createElement("p");
    counter.id = id;
    counter.className = "char-counter";
    field.insertAdjacentElement("afterend", counter);
    const described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? `${described} ${id}` : id);
  }
  const limit = Number(field.dataset.maxchars);
  const count = [...field.value].length;
  const over = count > limit;
  counter.textContent = (over ? field.dataset.counterOver : field.dataset.counter)
    .replace("%(count)s", count)
    .replace("%(limit)s", limit)
    .replace("%(excess)s", count - limit);
  counter.classList.toggle("char-counter-over", over);
}

function showCounts(root) {
  root.querySelectorAll("[data-maxchars]").forEach(showCount);
}

document.addEventListener("input", (event) => {
  if (event.target instanceof HTMLElement && event.target.dataset.maxchars) {
    showCount(event.target);
  }
});
// Fields htmx swaps in (a saved motive picked) get their count too.
document.addEventListener("htmx:load", (event) => showCounts(event.detail.elt));
showCounts(document);

// Uploads (invoices/upload_rules.py): a file Chorus Pro would refuse, too large or of a type it
// does not take, is taken out of the selection before anything is sent, and said so next to
// the input; the server checks every file again. While files are sent, a progress bar shows
// how far the upload is (htmx reports its progress; a plain form shows that it is sending).
function refuseFiles(input) {
  const max = Number(input.dataset.maxBytes);
  const extensions = (input.dataset.extensions || "").split(",").filter(Boolean);
  const kept = new DataTransfer();
  const refused = [];
  for (const file of input.files) {
    const dot = file.name.lastIndexOf(".");
    const extension = dot > 0 ? file.name.slice(dot + 1).toLowerCase() : "";
    if (extensions.length && !extensions.includes(extension)) {
      refused.push(input.dataset.wrongType.replace("%(name)s", file.name));
    } else if (max && file.size > max) {
      refused.push(input.dataset.tooLarge.replace("%(name)s", file.name));
    } else {
      kept.items.add(file);
    }
  }
  const id = `${input.id}_refused`;
  let notice = document.getElementById(id);
  if (!notice) {
    notice = document.createElement("div");
    notice.id = id;
    notice.className = "field-error upload-refused";
    notice.setAttribute("role", "alert");
    input.insertAdjacentElement("afterend", notice);
    const described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", described ? `${described} ${id}` : id);
  }
  notice.replaceChildren(...refused.map((text) => {
    const line = document.createElement("p");
    line.textContent = text;
    return line;
  }));
  if (refused.length) input.files = kept.files;
}

document.addEventListener("change", (event) => {
  const input = event.target;
  if (input instanceof HTMLInputElement && input.type === "file" && input.dataset.maxBytes) {
    refuseFiles(input);
  }
});

function uploadInputs(form) {
  if (!form) return [];
  return [...form.elements].filter(
    (field) => field.type === "file" && field.dataset.maxBytes && field.files.length,
  );
}

function uploadProgress(form, input) {
  const id = `${form.id || input.id}_progress`;
  let box = document.getElementById(id);
  if (!box) {
    box = document.createElement("div");
    box.id = id;
    box.className = "upload-progress";
    box.innerHTML = '<progress max="100"></progress> <span role="status"></span>';
    box.querySelector("progress").setAttribute("aria-label", input.dataset.sending);
    (input.closest("[data-upload-progress]") || input.parentElement).append(box);
  }
  box.querySelector("[role=status]").textContent = input.dataset.sending;
  return box;
}

// htmx: the request's form (a button may belong to a form elsewhere: form="...").
function requestForm(elt) {
  return elt.form || elt.closest("form");
}
document.addEventListener("htmx:beforeRequest", (event) => {
  const form = requestForm(event.detail.elt);
  const inputs = uploadInputs(form);
  if (inputs.length) uploadProgress(form, inputs[0]).querySelector("progress").value = 0;
});
// Fired for the upload, then for the answer's download: the bar only moves forward.
document.addEventListener("htmx:xhr:progress", (event) => {
  const form = requestForm(event.target);
  const box = form && document.getElementById(`${form.id}_progress`);
  const bar = box?.querySelector("progress");
  if (bar && event.detail.lengthComputable && event.detail.total) {
    const percent = Math.round((event.detail.loaded / event.detail.total) * 100);
    bar.value = Math.max(bar.value, percent);
  }
});

// A plain form: the browser uploads; say that it is under way (no percentage to show).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.hasAttribute("hx-post") || event.submitter?.hasAttribute("hx-post")) return;
  const inputs = uploadInputs(form);
  if (inputs.length) uploadProgress(form, inputs[0]).querySelector("progress").removeAttribute("value");
});

// Keyboard and screen readers: an htmx answer often replaces the button that was pressed. The
// answer marks where the focus goes (data-focus-now: a new line's first field, the message
// that says what happened); when it marks nothing and the focus was lost with the removed
// element, it goes to the page's fallback (data-focus-fallback) rather than to the page's top.
const FOCUSABLE = "input:not([type=hidden]), select, textarea, button, a[href], [tabindex]";
document.addEventListener("htmx:afterSettle", () => {
  const marked = document.querySelector("[data-focus-now]");
  if (marked) {
    marked.removeAttribute("data-focus-now");
    const target = marked.matches(FOCUSABLE)
      ? marked
      : [...marked.querySelectorAll(FOCUSABLE)].find((e) => !e.disabled && e.getClientRects().length);
    (target || marked).focus();
    return;
  }
  const active = document.activeElement;
  if (!active || active === document.body || !active.isConnected) {
    document.querySelector("[data-focus-fallback]")?.focus();
  }
});
