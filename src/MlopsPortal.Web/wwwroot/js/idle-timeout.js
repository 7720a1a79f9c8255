// Ends the session after the configured idle time, also while a Blazor circuit keeps the tab "alive".
// Sign-out is a POST with the page's antiforgery token (GET /Account/IdleSignOut would let any link end a session).
// The page must carry an <input name="__RequestVerificationToken"> (the layout's sign-out form renders one with
// <AntiforgeryToken />); <body data-idle-minutes> gives the minutes.
(function () {
  const minutes = Number(document.body.dataset.idleMinutes || 0);
  if (!minutes || location.pathname.startsWith('/Account/Login')) return;
  let last = Date.now();
  const reset = () => { last = Date.now(); };
  ['mousemove', 'mousedown', 'keydown', 'touchstart', 'scroll'].forEach(e => addEventListener(e, reset, { passive: true }));
  const signOut = () => {
    const token = document.querySelector('input[name="__RequestVerificationToken"]');
    if (!token) {
      // No token on this page (none signed in, or a page without the layout): the cookie's own expiry ends the session.
      location.href = '/Account/Login?idle=true';
      return;
    }
    const form = document.createElement('form');
    form.method = 'post';
    form.action = '/Account/IdleSignOut';
    const field = document.createElement('input');
    field.type = 'hidden';
    field.name = '__RequestVerificationToken';
    field.value = token.value;
    form.appendChild(field);
    document.body.appendChild(form);
    form.submit();
  };
  const timer = setInterval(() => {
    if (Date.now() - last > minutes * 60000) {
      clearInterval(timer);
      signOut();
    }
  }, 15000);
})();
