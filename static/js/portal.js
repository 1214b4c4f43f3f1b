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
