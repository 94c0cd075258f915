/* For 404.html only. A server shows that page for a missing address at any
   depth (/a/b/missing.html), where its relative links would resolve from
   /a/b/. This script is loaded by a root-absolute address, so it runs only
   when the page comes from a server (from file:// the page is opened where it
   lies and its relative links are right already); it sets the page's base to
   the site root it was loaded from, before any link or stylesheet is used.
   Classic script, no inline code: allowed by a strict Content-Security-Policy. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !me.src) return;
  var base = document.createElement("base");
  base.href = me.src.replace(/assets\/notfound\.js(?:[?#].*)?$/, "");
  document.head.insertBefore(base, document.head.firstChild);
})();
