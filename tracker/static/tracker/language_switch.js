// The admin's language menu (base_site.html) switches as soon as a language is chosen.
// A file rather than an onchange attribute: the Content-Security-Policy runs no inline script.
"use strict";

(function () {
  const form = document.getElementById("language-switch");
  if (form) form.language.addEventListener("change", () => form.submit());
})();
