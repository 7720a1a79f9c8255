// Ends the session after the configured idle time, also while a Blazor circuit keeps the tab "alive".
(function () {
  const minutes = Number(document.body.dataset.idleMinutes || 0);
  if (!minutes || location.pathname.startsWith('/Account/Login')) return;
  let last = Date.now();
  const reset = () => { last = Date.now(); };
  ['mousemove', 'mousedown', 'keydown', 'touchstart', 'scroll'].forEach(e => addEventListener(e, reset, { passive: true }));
  setInterval(() => {
    if (Date.now() - last > minutes * 60000) location.href = '/Account/IdleSignOut';
  }, 15000);
})();
