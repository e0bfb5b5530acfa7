// django-celery-beat's periodic-task form (admin/djcelery/change_periodictask_form.html):
// shows the chosen crontab in words under the field, as the package's inline script did.
// A file because the Content-Security-Policy runs no inline script; text, never HTML.
"use strict";

(function () {
  const data = document.getElementById("readable-crontabs");
  const select = document.getElementById("id_crontab");
  const help = document.querySelector(".field-crontab .help");
  if (!data || !select) return;
  const readable = JSON.parse(data.textContent);
  const original = help ? help.textContent.trim() : "";
  document.querySelectorAll(".field-crontab_translation").forEach((row) => (row.style.display = "none"));
  select.addEventListener("change", () => {
    if (!help) return;
    const words = readable[select.value];
    help.replaceChildren(original);
    if (words) help.append(document.createElement("br"), "Translation: " + words);
  });
})();
