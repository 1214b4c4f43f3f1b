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
